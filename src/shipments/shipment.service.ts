/**
 * Shipments: staff ship chosen lines and quantities of an order, and mark shipments delivered. Each
 * change loads, checks, writes and records its events in one transaction with the order's row
 * locked, so concurrent shipments never ship a unit twice.
 */
import { actorOf, type OrderScope, type Viewer } from "../auth/viewer.js";
import type { Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { EventLog } from "../history/event-log.js";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import { withLockedOrder } from "../orders/order.lock.js";
import type { OrderRecord } from "../orders/order.model.js";
import { moveStatus } from "../orders/order.repository.js";
import { transitionError, type OrderRules } from "../orders/status.js";
import { isErrorResult } from "../shared/error-result.js";
import { leftToShip, UNSHIPPABLE } from "./fulfillment.js";
import { OrderNotShippableError, QuantityNotAvailableError } from "./shipment.errors.js";
import type { ShipmentRecord } from "./shipment.model.js";
import * as repo from "./shipment.repository.js";
import { checkId, checkShipment } from "./shipment.validation.js";

export interface ShipmentServiceDeps {
  prisma: PrismaClient;
  rules: OrderRules;
  events: EventLog;
  now?: () => Date;
}

export type CreateShipmentOutcome =
  ShipmentRecord | OrderNotShippableError | QuantityNotAvailableError | InvalidOrderInputError;

const ALL: OrderScope = { kind: "all" };

export class ShipmentService {
  private readonly now: () => Date;

  constructor(private readonly deps: ShipmentServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Ships chosen lines and quantities (for staff). Each quantity is at most what is left to ship of
   * its line; cancelled, failed and refunded orders are not shipped. When every unit of every line is
   * shipped, the order moves to SHIPPED if the transition rules allow it from its status; otherwise it
   * keeps its status, and the SHIPMENT_CREATED event says why (staff only).
   */
  create(
    viewer: Viewer,
    ref: string,
    input: { lines: unknown; carrier: unknown; trackingNumber: unknown; trackingUrl?: unknown },
  ): Promise<CreateShipmentOutcome> | CreateShipmentOutcome {
    const checked = checkShipment(input);
    if (isErrorResult(checked)) return checked;
    const actorId = actorOf(viewer);
    return withLockedOrder(this.deps.prisma, ref, ALL, async (tx, order) => {
      if (UNSHIPPABLE.includes(order.status)) return new OrderNotShippableError(order.status);
      const items = await repo.itemQuantities(tx, order.id);
      const left = leftToShip(items, await repo.shipmentsOf(tx, [order.id]));
      for (const [i, line] of checked.lines.entries()) {
        const available = left.get(line.itemId);
        if (available === undefined)
          return new InvalidOrderInputError(`lines.${i}.itemId`, "This order has no item with this id.");
        if (line.quantity > available)
          return new QuantityNotAvailableError(`lines.${i}.quantity`, line.itemId, available, "shipped");
      }
      const now = this.now();
      const shipment = await repo.insertShipment(tx, order.id, { ...checked, createdById: actorId, now });
      for (const line of checked.lines) left.set(line.itemId, left.get(line.itemId)! - line.quantity);
      const allShipped = [...left.values()].every((n) => n === 0);
      const refusal =
        allShipped && order.status !== "SHIPPED" ? transitionError(this.deps.rules, order, "SHIPPED") : null;
      await this.deps.events.record(tx, order, {
        type: "SHIPMENT_CREATED",
        public: true,
        actorId,
        shipmentId: shipment.id,
        lines: checked.lines,
        message: refusal && `Every line is shipped; the status stays: ${refusal}`,
      });
      if (allShipped && !refusal && order.status !== "SHIPPED") await this.moveToShipped(tx, order, actorId, now);
      return shipment;
    });
  }

  private async moveToShipped(tx: Tx, order: OrderRecord, actorId: number | null, now: Date): Promise<void> {
    await moveStatus(tx, order, "SHIPPED", now);
    await this.deps.events.record(tx, order, {
      type: "STATUS_CHANGED",
      public: true,
      actorId,
      fromStatus: order.status,
      toStatus: "SHIPPED",
    });
  }

  /** Marks a shipment delivered (for staff). A shipment already delivered stays as it is. */
  markDelivered(
    viewer: Viewer,
    ref: string,
    shipmentId: unknown,
  ): Promise<ShipmentRecord | InvalidOrderInputError> | InvalidOrderInputError {
    const NO_SUCH = "This order has no shipment with this id.";
    let id: number;
    try {
      id = checkId(shipmentId, "shipmentId", NO_SUCH);
    } catch {
      return new InvalidOrderInputError("shipmentId", NO_SUCH);
    }
    return withLockedOrder(this.deps.prisma, ref, ALL, async (tx, order) => {
      const shipment = (await repo.shipmentsOf(tx, [order.id])).find((s) => s.id === id);
      if (!shipment) return new InvalidOrderInputError("shipmentId", NO_SUCH);
      if (shipment.deliveredAt) return shipment;
      const delivered = await repo.setDelivered(tx, id, this.now());
      await this.deps.events.record(tx, order, {
        type: "SHIPMENT_DELIVERED",
        public: true,
        actorId: actorOf(viewer),
        shipmentId: id,
      });
      return delivered;
    });
  }
}
