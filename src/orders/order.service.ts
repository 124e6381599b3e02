/**
 * Orders: load, authorize, ask the pure rules, write inside one transaction with the order's row
 * locked, then answer. Resolvers stay thin; only the repositories (order.reads, order.repository)
 * hold SQL.
 */
import { isStaff, orderScope, type OrderScope, type Viewer } from "../auth/viewer.js";
import { newOrderToken } from "../auth/tokens.js";
import type { Database } from "../db/database.js";
import { withTransaction, type Tx } from "../db/transaction.js";
import { GraphQLError } from "graphql";
import { badUserInput, forbidden, notFound, unauthenticated } from "../shared/errors.js";
import { isDatabaseUnavailable } from "../shared/db-errors.js";
import type { PaymentRegistry } from "../payments/registry.js";
import { PaymentError, type LockedOrder, type PayContext, type PaymentRequest } from "../payments/payment-method.js";
import * as repo from "./order.repository.js";
import * as reads from "./order.reads.js";
import type { ReadColumns } from "./order.reads.js";
import type { Cursor, OrderFilterInput, OrderPaymentRecord, OrderRecord, OrderSort } from "./order.model.js";
import {
  InvalidOrderInputError,
  InvalidStatusTransitionError,
  OrderAlreadyPaidError,
  OrderAlreadyRefundedError,
  OrderNotPayableError,
  PaymentFailedError,
  PaymentMethodNotAvailableError,
} from "./order.errors.js";
import { checkEmail, checkExtraRows, checkItems, checkMoney, checkText, InputError, orderAmounts } from "./order.validation.js";
import { paymentError, statusLabel, statusTransitions, transitionError, type OrderRules, type OrderStatus } from "./status.js";
import { userExists } from "../users/user.repository.js";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface OrderServiceDeps {
  db: Database;
  rules: OrderRules;
  payments: PaymentRegistry;
  currency: string;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** Told when a payment method throws or times out (for the log). */
  onMethodError?: (identifier: string, error: unknown) => void;
  /** How long a payment method may take to pay or to refund one payment (default 10 s). */
  paymentTimeoutMs?: number;
  now?: () => Date;
}

/** A payment method call that did not answer in time. */
export class PaymentTimeoutError extends Error {
  constructor(ms: number) {
    super(`The payment method did not answer within ${ms} ms.`);
    this.name = "PaymentTimeoutError";
  }
}

/** Races `work` against a deadline; a late result or failure is ignored. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PaymentTimeoutError(ms)), ms);
  });
  work.catch(() => {}); // a call that fails after its deadline must not become an unhandled rejection
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export interface OrderPage {
  orders: OrderRecord[];
  /** The cursor of orders[i], made when asked for: most pages need only the last one. */
  cursor: (i: number) => string;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  countTotal: () => Promise<number>;
}

export type PayOutcome =
  | { kind: "redirect"; url: string; data: Record<string, unknown> | null; order: OrderRecord }
  | PaymentMethodNotAvailableError
  | OrderNotPayableError
  | OrderAlreadyPaidError
  | PaymentFailedError;

export type RefundOutcome = { kind: "refunded"; refunded: OrderPaymentRecord[]; failed: OrderPaymentRecord[]; order: OrderRecord } | OrderAlreadyRefundedError;

export function requireStaff(viewer: Viewer): void {
  if (viewer.kind !== "user") throw unauthenticated();
  if (!viewer.user.isStaff) throw forbidden();
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.value, c.id])).toString("base64url");
}

export function decodeCursor(text: string, sort: OrderSort): Cursor {
  try {
    const [s, value, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (s === sort && typeof value === "string" && Number.isSafeInteger(id)) {
      const ok = sort.startsWith("TOTAL") ? /^-?\d+\.\d{2}$/.test(value) : !Number.isNaN(Date.parse(value));
      if (ok) return { sort, value, id };
    }
  } catch {
    /* fall through */
  }
  throw badUserInput("Invalid cursor: pass an endCursor from a list with the same orderBy.", { argumentName: "after" });
}

function pageSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (n < 0) throw badUserInput("first must not be negative.", { argumentName: "first" });
  if (n > MAX_PAGE_SIZE) throw badUserInput(`first must be at most ${MAX_PAGE_SIZE}.`, { argumentName: "first" });
  return n;
}

export class OrderService {
  private readonly now: () => Date;

  private readonly paymentTimeoutMs: number;

  constructor(private readonly deps: OrderServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.paymentTimeoutMs = deps.paymentTimeoutMs ?? 10_000;
  }

  get rules(): OrderRules {
    return this.deps.rules;
  }

  private async page(
    scope: OrderScope,
    args: { first?: number | null; after?: string | null; filter?: OrderFilterInput | null; sort: OrderSort; columns?: ReadColumns },
  ): Promise<OrderPage> {
    const first = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, args.sort) : null;
    const rows = await reads.readOrders(this.deps.db, { scope, filter: args.filter, sort: args.sort, after, take: first + 1, columns: args.columns });
    const orders = rows.slice(0, first);
    let count: Promise<number> | undefined;
    return {
      orders,
      cursor: (i) => encodeCursor({ sort: args.sort, value: reads.sortValue(args.sort, orders[i]), id: orders[i].id }),
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== null,
      countTotal: () => (count ??= reads.countOrders(this.deps.db, { scope, filter: args.filter })),
    };
  }

  /** GET /orders/: the caller's own orders, newest first (staff too). Anonymous: the order of `token`. */
  listOwn(viewer: Viewer, args: { first?: number | null; after?: string | null; token?: string | null; columns?: ReadColumns }): Promise<OrderPage> {
    return this.page(orderScope(viewer, { token: args.token, ownOnly: true }), { ...args, sort: "DATE_CREATED_DESC" });
  }

  /** GET /orders/all/: every order, filtered and sorted. Staff only. */
  listAll(
    viewer: Viewer,
    args: { first?: number | null; after?: string | null; filter?: OrderFilterInput | null; orderBy?: OrderSort | null; columns?: ReadColumns },
  ): Promise<OrderPage> {
    requireStaff(viewer);
    const f = args.filter;
    if (f?.search != null && f.search.length > 256) throw badUserInput("filter.search is too long.");
    return this.page({ kind: "all" }, { ...args, sort: args.orderBy ?? "DATE_CREATED_DESC" });
  }

  /** GET /orders/last/: the newest order the caller may see (staff: the newest in the shop). */
  async last(viewer: Viewer, token?: string | null, columns?: ReadColumns): Promise<OrderRecord | null> {
    const [order] = await reads.readOrders(this.deps.db, { scope: orderScope(viewer, { token }), sort: "DATE_CREATED_DESC", take: 1, columns });
    return order ?? null;
  }

  /** GET /orders/{ref}/: null when there is no such order or the caller may not see it. */
  get(viewer: Viewer, ref: string, token?: string | null, columns?: ReadColumns): Promise<OrderRecord | null> {
    return reads.readOrderByRef(this.deps.db, ref, orderScope(viewer, { token }), columns);
  }

  /** GET /orders/{ref}/status/. Staff only (checked before the lookup); null when there is no such order. */
  async status(viewer: Viewer, ref: string) {
    requireStaff(viewer);
    const order = await reads.readOrderByRef(this.deps.db, ref, { kind: "all" }, reads.CORE_COLUMNS);
    if (!order) return null;
    return { status: order.status, statusDisplay: statusLabel(order.status), statusTransitions: statusTransitions(this.rules, order) };
  }

  transitions(viewer: Viewer, order: OrderRecord) {
    requireStaff(viewer);
    return statusTransitions(this.rules, order);
  }

  /** GET /orders/{ref}/pay/: the enabled order-capable methods, each with the first reason it cannot pay. */
  paymentChoices(viewer: Viewer, order: OrderRecord): { identifier: string; label: string; error: string | null }[] {
    const request: PaymentRequest = { viewer };
    const common = paymentError(this.rules, order)?.message ?? null;
    return this.deps.payments.forOrders(request).map((m) => ({
      identifier: m.identifier,
      label: m.label,
      error: common ?? m.validateOrder?.(order, request) ?? null,
    }));
  }

  /** Null when the order may be paid now (not paid, payable status), else the reason. */
  paymentRefusal(order: OrderRecord): string | null {
    return paymentError(this.rules, order)?.message ?? null;
  }

  /** Runs `fn` in a transaction with the order (in `scope`) locked; NOT_FOUND when there is none. */
  private async withLocked<T>(
    ref: string,
    scope: OrderScope,
    fn: (tx: Tx, order: OrderRecord) => Promise<T>,
    opts: { idleTimeoutMs?: number } = {},
  ): Promise<T> {
    return withTransaction(
      this.deps.db,
      async (tx) => {
        const order = await repo.lockOrderByRef(tx, ref, scope);
        if (!order) throw notFound();
        return fn(tx, order);
      },
      opts,
    );
  }

  /** Operations a payment method may perform on a locked order; payments are recorded as `paymentMethod`. */
  private lockedOrder(tx: Tx, initial: OrderRecord, paymentMethod: string): LockedOrder & { close(): void } {
    let order = initial;
    let closed = false;
    const open = () => {
      if (closed) throw new Error("The order is no longer locked for this call (it timed out).");
    };
    return {
      close: () => {
        closed = true;
      },
      get order() {
        return order;
      },
      paymentError: () => paymentError(this.rules, order)?.message ?? null,
      setStatus: async (status: OrderStatus) => {
        open();
        if (status === order.status || transitionError(this.rules, order, status)) return false;
        order = await repo.setStatus(tx, order.id, status, this.now());
        return true;
      },
      recordPayment: async (p) => {
        open();
        if (await repo.hasTransaction(tx, order.id, p.transactionId)) return false;
        order = await repo.insertPayment(tx, order, { ...p, paymentMethod, now: this.now() });
        return true;
      },
    };
  }

  /** For payment methods' own routes: the order by ref and order token, locked; null when none. */
  async withOrderByToken<T>(identifier: string, ref: string, token: string, fn: (locked: LockedOrder) => Promise<T>): Promise<{ result: T } | null> {
    return withTransaction(this.deps.db, async (tx) => {
      const order = await repo.lockOrderByRef(tx, ref, { kind: "token", token });
      if (!order) return null;
      return { result: await fn(this.lockedOrder(tx, order, identifier)) };
    });
  }

  findByToken(ref: string, token: string): Promise<OrderRecord | null> {
    return reads.readOrderByRef(this.deps.db, ref, { kind: "token", token });
  }

  /** PUT /orders/{ref}/status/. Staff only. */
  async changeStatus(viewer: Viewer, ref: string, status: OrderStatus): Promise<OrderRecord | InvalidStatusTransitionError> {
    requireStaff(viewer);
    return this.withLocked(ref, { kind: "all" }, async (tx, order) => {
      if (status === order.status) return order;
      const error = transitionError(this.rules, order, status);
      if (error) return new InvalidStatusTransitionError(order.status, status, error);
      return repo.setStatus(tx, order.id, status, this.now());
    });
  }

  /** POST /orders/{ref}/pay/. Records nothing itself: the method does when the money moves. */
  async pay(viewer: Viewer, ref: string, identifier: string, token?: string | null): Promise<PayOutcome> {
    const scope = orderScope(viewer, { token });
    const request: PaymentRequest = { viewer };
    try {
      return await this.withLocked(ref, scope, async (tx, order) => {
        const method = this.deps.payments.forOrders(request).find((m) => m.identifier === identifier);
        if (!method) return new PaymentMethodNotAvailableError(identifier);
        const refusal = paymentError(this.rules, order);
        if (refusal?.kind === "paid") return new OrderAlreadyPaidError(refusal.message);
        if (refusal) return new OrderNotPayableError(order.status, refusal.message);
        const extra = method.validateOrder?.(order, request);
        if (extra) return new OrderNotPayableError(order.status, extra);
        const locked = this.lockedOrder(tx, order, identifier);
        const ctx: PayContext = Object.assign(locked, { request, url: this.deps.url });
        let outcome;
        try {
          outcome = await withTimeout(Promise.resolve().then(() => method.pay(ctx)), this.paymentTimeoutMs);
        } finally {
          locked.close();
        }
        if (!outcome || typeof outcome.url !== "string" || !outcome.url) throw new PaymentError("The payment method gave no URL to continue with.");
        return { kind: "redirect" as const, url: outcome.url, data: outcome.data ?? null, order: locked.order };
      }, { idleTimeoutMs: this.paymentTimeoutMs + 5_000 });
    } catch (e) {
      // The transaction rolled back: whatever the method changed is undone.
      if (e instanceof PaymentError) return new PaymentFailedError(identifier, e.message);
      if (e instanceof PaymentTimeoutError) return new PaymentFailedError(identifier, "The payment method did not answer in time; nothing was charged. Try again.");
      if (e instanceof GraphQLError || isDatabaseUnavailable(e)) throw e;
      this.deps.onMethodError?.(identifier, e);
      return new PaymentFailedError(identifier, "The payment method failed; nothing was charged. Try again.");
    }
  }

  /** POST /orders/{ref}/refund/. Staff only. Each payment is refunded at most once, ever. */
  async refund(viewer: Viewer, ref: string): Promise<RefundOutcome> {
    requireStaff(viewer);
    return this.withLocked(ref, { kind: "all" }, async (tx, order) => {
      if (order.status === "REFUNDED") return new OrderAlreadyRefundedError();
      const payments = await repo.paymentsOfOrder(tx, order.id);
      const refunded: OrderPaymentRecord[] = [];
      const failed: OrderPaymentRecord[] = [];
      for (const p of payments) {
        if (p.refundedAt) {
          refunded.push(p);
          continue;
        }
        const method = this.deps.payments.get(p.paymentMethod);
        let ok = false;
        try {
          ok = method ? (await withTimeout(Promise.resolve().then(() => method.refund(p, order)), this.paymentTimeoutMs)) === true : false;
        } catch (e) {
          // a method that throws or hangs failed to refund this payment; the others go on
          this.deps.onMethodError?.(p.paymentMethod, e);
          ok = false;
        }
        if (ok) refunded.push(await repo.markPaymentRefunded(tx, p, this.now()));
        else failed.push(p);
      }
      let after = order;
      if (failed.length === 0) after = await repo.setStatus(tx, order.id, "REFUNDED", this.now());
      else after = (await repo.findOrderById(tx, order.id)) ?? order;
      return { kind: "refunded" as const, refunded, failed, order: after };
    }, { idleTimeoutMs: this.paymentTimeoutMs + 5_000 }); // each method call is bounded by the payment timeout
  }

  /** Creates an order from a finished checkout. Staff only. */
  async create(
    viewer: Viewer,
    input: {
      email: unknown;
      billingAddress?: unknown;
      shippingAddress?: unknown;
      userId?: string | null;
      status?: OrderStatus | null;
      items: Parameters<typeof checkItems>[0];
      extraRows?: Parameters<typeof checkExtraRows>[0];
      extra?: unknown;
    },
  ): Promise<OrderRecord | InvalidOrderInputError> {
    requireStaff(viewer);
    let checked;
    try {
      const email = checkEmail(input.email);
      const billingAddress = checkText(input.billingAddress, "billingAddress");
      const shippingAddress = checkText(input.shippingAddress, "shippingAddress");
      let userId: number | null = null;
      if (input.userId != null) {
        if (!/^\d{1,9}$/.test(String(input.userId))) throw new InputError("userId", "No user has this id.");
        userId = Number(input.userId);
      }
      const items = checkItems(input.items);
      const extraRows = checkExtraRows(input.extraRows, "extraRows");
      const extra = input.extra == null ? {} : input.extra;
      if (typeof extra !== "object" || Array.isArray(extra)) throw new InputError("extra", "Must be a JSON object.");
      checked = { email, billingAddress, shippingAddress, userId, items, extraRows, extra: extra as Record<string, unknown>, ...orderAmounts(items, extraRows) };
    } catch (e) {
      if (e instanceof InputError) return new InvalidOrderInputError(e.field, e.message);
      throw e;
    }
    if (checked.userId !== null && !(await userExists(this.deps.db, checked.userId))) {
      return new InvalidOrderInputError("userId", "No user has this id.");
    }
    const c = checked;
    const now = this.now();
    return withTransaction(this.deps.db, async (tx) => {
      const year = now.getUTCFullYear();
      const n = await repo.nextRefNumber(tx, year);
      return repo.insertOrder(tx, {
        ref: `${year}-${String(n).padStart(5, "0")}`,
        token: newOrderToken(),
        status: input.status ?? "CREATED",
        userId: c.userId,
        email: c.email,
        billingAddress: c.billingAddress,
        shippingAddress: c.shippingAddress,
        currency: this.deps.currency,
        subtotal: c.subtotal,
        total: c.total,
        extra: c.extra,
        extraRows: c.extraRows,
        dateCreated: now,
        items: c.items,
      });
    });
  }

  /** Records a payment taken outside the API. Staff only. The status does not change. */
  async recordPayment(
    viewer: Viewer,
    ref: string,
    input: { amount: unknown; transactionId: unknown; paymentMethod: unknown },
  ): Promise<OrderRecord | InvalidOrderInputError> {
    requireStaff(viewer);
    let checked;
    try {
      checked = {
        amount: checkMoney(input.amount, "amount", { min: "positive" }),
        transactionId: checkText(input.transactionId, "transactionId", { max: 128, required: true }).trim(),
        paymentMethod: checkText(input.paymentMethod, "paymentMethod", { max: 128, required: true }).trim(),
      };
    } catch (e) {
      if (e instanceof InputError) return new InvalidOrderInputError(e.field, e.message);
      throw e;
    }
    const c = checked;
    return this.withLocked(ref, { kind: "all" }, async (tx, order) => {
      if (await repo.hasTransaction(tx, order.id, c.transactionId)) {
        return new InvalidOrderInputError("transactionId", "This order already has a payment with this transaction id.");
      }
      return repo.insertPayment(tx, order, { ...c, now: this.now() });
    });
  }

  /** Adds a note. Staff only. */
  async addNote(viewer: Viewer, ref: string, message: string, isPublic: boolean): Promise<OrderRecord> {
    requireStaff(viewer);
    if (message.trim() === "") throw badUserInput("message may not be blank.", { argumentName: "message" });
    if (message.length > 10_000) throw badUserInput("message may have at most 10000 characters.", { argumentName: "message" });
    return this.withLocked(ref, { kind: "all" }, async (tx, order) => {
      await repo.insertNote(tx, order.id, message, isPublic, this.now());
      return (await repo.findOrderById(tx, order.id))!;
    });
  }

  /** Whether the viewer may see private notes. */
  seesPrivateNotes(viewer: Viewer): boolean {
    return isStaff(viewer);
  }
}

