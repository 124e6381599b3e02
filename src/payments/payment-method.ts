/**
 * The payment method interface. A method is a strategy object: the server asks it whether it can
 * pay an order, tells it to start a payment, and offers it each payment to refund. A method records
 * payments itself, when the money really moves (a callback, a confirmation page, a webhook).
 */
import type { Router } from "express";
import type { Viewer } from "../auth/viewer.js";
import type { Money } from "../shared/money.js";
import type { JsonObject, OrderRecord } from "../orders/order.model.js";
import type { OrderPaymentRecord } from "./payment.model.js";
import type { OrderStatus } from "../orders/status.js";

/** What a method may know of the request that asks it to pay. */
export interface PaymentRequest {
  viewer: Viewer;
}

/** Operations on one order, inside a transaction that holds the order's row lock. */
export interface LockedOrder {
  /** The order as it is now (updated by the calls below). */
  readonly order: OrderRecord;
  /** Moves the order to `status` if the transition rules allow it; false (and no change) otherwise. */
  setStatus(status: OrderStatus): Promise<boolean>;
  /** Null when the order may be paid now (not paid, payable status), else the reason. */
  paymentError(): string | null;
  /** Records a payment; false (and nothing recorded) when this transaction id is already on the order. */
  recordPayment(payment: { amount: Money; transactionId: string }): Promise<boolean>;
}

export interface PayContext extends LockedOrder {
  request: PaymentRequest;
  /** An absolute URL of this server for `path` (which starts with "/"). */
  url(path: string): string;
}

/** What `pay` hands back: where to send the customer, and anything else for the client. */
export interface PayOutcome {
  url: string;
  data?: JsonObject;
}

/** Thrown by `pay` when the method refuses to start the payment; the message goes to the client. */
export class PaymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PaymentError";
  }
}

/**
 * A method's answer to a refund: `true`, or the method's own reference for it, when the money went
 * back; `false` when it refused. A method that throws (or does not answer in time) failed.
 */
export type RefundAnswer = boolean | { transactionId?: string | null };

/** What a method's own HTTP routes may use. */
export interface PaymentRouteDeps {
  /** Runs `fn` with the order locked, when `token` is the order's token; null when there is no such order. */
  withOrder<T>(ref: string, token: string, fn: (locked: LockedOrder) => Promise<T>): Promise<{ result: T } | null>;
  /** Reads the order (no lock), when `token` is the order's token. */
  findOrder(ref: string, token: string): Promise<OrderRecord | null>;
  /** Null when the order may be paid now, else the reason. */
  paymentError(order: OrderRecord): string | null;
  url(path: string): string;
}

export interface PaymentMethod {
  /** Unique; stored on each payment. */
  readonly identifier: string;
  readonly label: string;
  /** Whether it can pay an existing order (payOrder). */
  readonly orderPayment: boolean;
  /** Whether it is offered to this request (default: yes). */
  isEnabled?(request: PaymentRequest): boolean;
  /** An extra reason this order cannot be paid with this method, checked after paid and status. */
  validateOrder?(order: OrderRecord, request: PaymentRequest): string | null;
  /** Starts a payment. Throw PaymentError to refuse with a message. */
  pay(ctx: PayContext): Promise<PayOutcome>;
  /**
   * Gives back `amount` of one payment: all that is left of it, or a part (a payment can be refunded
   * in several parts, never beyond its amount: the server checks that first, with the order locked).
   */
  refund(payment: OrderPaymentRecord, amount: Money, order: OrderRecord): Promise<RefundAnswer>;
  /** True when the method can only give back a whole payment at once: asking it for a part fails with a message saying so. */
  readonly refundsWholePaymentsOnly?: boolean;
  /** Mounts the method's own pages and callbacks under /payment/<identifier>/. */
  routes?(router: Router, deps: PaymentRouteDeps): void;
}
