/** Per-request loaders of orders' shipments: one statement for a whole page, lines included. */
import DataLoader from "dataloader";
import type { OrderScope } from "../auth/viewer.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { scopedLoaders } from "../nodes/node.registry.js";
import { groupBy, oneBy } from "../shared/records.js";
import type { ShipmentRecord } from "./shipment.model.js";
import { shipmentsOf, visibleShipmentsByIds } from "./shipment.repository.js";

export interface ShipmentLoaders {
  /** An order's shipments, oldest first, with their lines. */
  shipments: DataLoader<number, ShipmentRecord[]>;
  /** Shipments by id whose order a scope covers (`node`, `nodes`). */
  visibleShipments(scope: OrderScope): DataLoader<number, ShipmentRecord | null>;
}

export function createShipmentLoaders(prisma: PrismaClient): ShipmentLoaders {
  return {
    shipments: new DataLoader(async (ids) => groupBy(ids, await shipmentsOf(prisma, ids), (s) => s.orderId)),
    visibleShipments: scopedLoaders(async (scope, ids) =>
      oneBy(ids, await visibleShipmentsByIds(prisma, ids, scope), (s) => s.id),
    ),
  };
}
