/**
 * Orders: each operation loads, asks the pure rules (status.ts), writes inside one transaction with
 * the order's row locked, then answers. Who may call what is declared on the resolvers
 * (auth/auth-checker.ts); which orders a caller sees is the visibility rule (auth/viewer.ts).
 * Paying and refunding are in payments/payment.service.ts.
 */
import { actorOf, isStaff, orderScope, type OrderScope, type Viewer } from "../auth/viewer.js";
import { newOrderToken } from "../auth/tokens.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { isErrorResult } from "../shared/error-result.js";
import { badUserInput } from "../shared/errors.js";
import { pageSize, toPage, type Page } from "../shared/pagination.js";
import { userExists } from "../users/user.repository.js";
import { InvalidOrderInputError, InvalidStatusTransitionError } from "./order.errors.js";
import type { OrderCache } from "./order.cache.js";
import type { ReadCoalescer } from "./order.coalesce.js";
import { withLockedOrder } from "./order.lock.js";
import type { OrderFilterInput, OrderRead, OrderRecord, OrderSort } from "./order.model.js";
import { decodeOrderCursor, orderCursor } from "./order.pagination.js";
import * as repo from "./order.repository.js";
import { FACTS_SELECT, FULL_SELECT, type ReadSelect } from "./order.select.js";
import { checkNewOrder, type NewOrderInput } from "./order.validation.js";
import {
  statusLabel,
  statusTransitions,
  transitionError,
  type OrderFacts,
  type OrderRules,
  type OrderStatus,
} from "./status.js";

/** A change the order services record with the order's history, in the change's own transaction. */
export interface OrderChange {
  type: "ORDER_CREATED" | "STATUS_CHANGED" | "NOTE_ADDED";
  /** Whether the customer can see it. */
  public: boolean;
  actorId: number | null;
  fromStatus?: OrderStatus | null;
  toStatus?: OrderStatus | null;
  message?: string | null;
}

/** Where changes are recorded: the order's history (history/event-log.ts), given by the server's wiring. */
export interface OrderChangeLog {
  record(tx: Tx, order: { id: number; ref: string }, change: OrderChange): Promise<unknown>;
  /** Records the change with its other writes in the event's one statement (order.repository.ts, statusWrites). */
  recordWith(
    tx: Tx,
    order: { id: number; ref: string },
    change: OrderChange,
    writes: repo.ChangeWrites,
  ): Promise<unknown>;
}

export interface OrderServiceDeps {
  prisma: PrismaClient;
  rules: OrderRules;
  events: OrderChangeLog;
  /** ISO 4217 code of new orders. */
  currency: string;
  /** Orders' lines, payments, notes and refunds kept between reads (ORDER_CACHE_SIZE); none by default. */
  cache?: OrderCache;
  /** Reads of one order by ref shared by the requests handled at the same time (order.coalesce.ts). */
  reads?: ReadCoalescer<unknown>;
  now?: () => Date;
}

interface ListArgs {
  first?: number | null;
  after?: string | null;
  select?: ReadSelect;
  /** Where the page is read: a read replica for a read that tolerates lag; by default the primary. */
  reads?: PrismaClient;
}

export class OrderService {
  private readonly prisma: PrismaClient;
  private readonly now: () => Date;

  constructor(private readonly deps: OrderServiceDeps) {
    this.prisma = deps.prisma;
    this.now = deps.now ?? (() => new Date());
  }

  get rules(): OrderRules {
    return this.deps.rules;
  }

  private async page(
    query: repo.OrderQuery,
    sort: OrderSort,
    args: ListArgs & { privateNotes: boolean },
  ): Promise<Page<OrderRead>> {
    const first = pageSize(args.first);
    const after = args.after ? decodeOrderCursor(args.after, sort) : null;
    const db = args.reads ?? this.prisma;
    const rows = await repo.findOrders(db, {
      ...query,
      sort,
      after,
      take: first + 1,
      select: args.select,
      privateNotes: args.privateNotes,
      cache: this.deps.cache,
    });
    return toPage(rows, first, {
      after: after !== null,
      cursorOf: (o) => orderCursor(sort, o),
      count: () => repo.countOrders(db, query),
    });
  }

  /** GET /orders/: the caller's own orders, newest first (staff too). Anonymous: the order of `token`. */
  listOwn(viewer: Viewer, args: ListArgs & { token?: string | null }): Promise<Page<OrderRead>> {
    return this.page({ scope: orderScope(viewer, { token: args.token, ownOnly: true }) }, "DATE_CREATED_DESC", {
      ...args,
      privateNotes: this.seesPrivateNotes(viewer),
    });
  }

  /** GET /orders/all/: every order, filtered and sorted (for staff). */
  listAll(args: ListArgs & { filter?: OrderFilterInput | null; orderBy?: OrderSort | null }): Promise<Page<OrderRead>> {
    if (args.filter?.search != null && args.filter.search.length > 256)
      throw badUserInput("filter.search is too long.");
    // Staff only (the resolver's rule): private notes too.
    return this.page({ scope: { kind: "all" }, filter: args.filter }, args.orderBy ?? "DATE_CREATED_DESC", {
      ...args,
      privateNotes: true,
    });
  }

  /**
   * GET /orders/{ref}/ (with `ref`) and GET /orders/last/ (without: the newest order the caller may
   * see; staff: the newest in the shop), with the relations `select` names. Null when there is no
   * such order or the caller may not see it.
   */
  read(viewer: Viewer, q: { ref?: string; token?: string | null; select?: ReadSelect }): Promise<OrderRead | null> {
    return repo.findOneWithRelations(this.prisma, {
      ref: q.ref,
      scope: orderScope(viewer, { token: q.token }),
      select: q.select ?? FULL_SELECT,
      privateNotes: this.seesPrivateNotes(viewer),
      cache: this.deps.cache,
      reads: this.deps.reads,
    });
  }

  /** The order with `ref` if the caller may see it, else null. */
  get(viewer: Viewer, ref: string, token?: string | null): Promise<OrderRecord | null> {
    return this.byRef(ref, orderScope(viewer, { token }), FULL_SELECT) as Promise<OrderRecord | null>;
  }

  /** The order with `ref` in the scope, read in a statement shared with the reads made at the same time. */
  private byRef(ref: string, scope: OrderScope, select: ReadSelect): Promise<OrderRead | null> {
    return this.deps.reads
      ? repo.findOrderByRefCoalesced(this.prisma, this.deps.reads, ref, scope, select)
      : repo.findOrderByRef(this.prisma, ref, scope, select);
  }

  /** GET /orders/{ref}/status/ (for staff); null when there is no such order. */
  async status(ref: string) {
    const order = await this.byRef(ref, { kind: "all" }, FACTS_SELECT);
    if (!order) return null;
    return {
      status: order.status,
      statusDisplay: statusLabel(order.status),
      statusTransitions: statusTransitions(this.rules, order as OrderRead & OrderFacts), // FACTS_SELECT read them
    };
  }

  transitions(order: OrderRecord) {
    return statusTransitions(this.rules, order);
  }

  /** PUT /orders/{ref}/status/ (for staff). */
  changeStatus(viewer: Viewer, ref: string, status: OrderStatus): Promise<OrderRecord | InvalidStatusTransitionError> {
    return withLockedOrder(this.prisma, ref, { kind: "all" }, async (tx, order) => {
      if (status === order.status) return order;
      const error = transitionError(this.rules, order, status);
      if (error) return new InvalidStatusTransitionError(order.status, status, error);
      const now = this.now();
      // The order's new status and its event: one statement.
      await this.deps.events.recordWith(
        tx,
        order,
        { type: "STATUS_CHANGED", public: true, actorId: actorOf(viewer), fromStatus: order.status, toStatus: status },
        repo.statusWrites(order.id, status, now),
      );
      return { ...order, status, dateUpdated: now };
    });
  }

  /** Creates an order from a finished checkout (for staff: the storefront's back end). */
  async create(viewer: Viewer, input: NewOrderInput): Promise<OrderRecord | InvalidOrderInputError> {
    const checked = checkNewOrder(input);
    if (isErrorResult(checked)) return checked;
    if (checked.userId !== null && !(await userExists(this.prisma, checked.userId))) {
      return new InvalidOrderInputError("userId", "No user has this id.");
    }
    const now = this.now();
    return inTransaction(this.prisma, async (tx) => {
      const year = now.getUTCFullYear();
      const n = await repo.nextRefNumber(tx, year);
      const order = await repo.insertOrder(tx, {
        ...checked,
        ref: `${year}-${String(n).padStart(5, "0")}`,
        token: newOrderToken(),
        currency: this.deps.currency,
        dateCreated: now,
      });
      await this.deps.events.record(tx, order, {
        type: "ORDER_CREATED",
        public: true,
        actorId: actorOf(viewer),
        toStatus: order.status,
      });
      return order;
    });
  }

  /** Adds a note (for staff). */
  addNote(viewer: Viewer, ref: string, message: string, isPublic: boolean): Promise<OrderRecord> {
    if (message.trim() === "") throw badUserInput("message may not be blank.", { argumentName: "message" });
    if (message.length > 10_000)
      throw badUserInput("message may have at most 10000 characters.", { argumentName: "message" });
    return withLockedOrder(this.prisma, ref, { kind: "all" }, async (tx, order) => {
      const now = this.now();
      // The note, the order's dateUpdated and the event: one statement.
      await this.deps.events.recordWith(
        tx,
        order,
        { type: "NOTE_ADDED", public: isPublic, actorId: actorOf(viewer), message },
        repo.noteWrites(order.id, { message, public: isPublic, now }),
      );
      return { ...order, dateUpdated: now };
    });
  }

  /** Whether the viewer may see private notes. */
  seesPrivateNotes(viewer: Viewer): boolean {
    return isStaff(viewer);
  }
}
