/**
 * Checks the input of recording and refunding payments, as the order checks do (order.validation.ts):
 * the first refused value comes back as an InvalidOrderInputError naming it. Pure: no I/O.
 */
import type { InvalidOrderInputError } from "../orders/order.errors.js";
import { checkMoney, checkText, InputError, MAX_SHORT, validated } from "../orders/order.validation.js";
import type { Money } from "../shared/money.js";

export interface CheckedPayment {
  amount: Money;
  transactionId: string;
  paymentMethod: string;
}

/** A recordOrderPayment input checked: a positive amount, a transaction id and a method. */
export function checkPayment(input: {
  amount: unknown;
  transactionId: unknown;
  paymentMethod: unknown;
}): CheckedPayment | InvalidOrderInputError {
  return validated(() => ({
    amount: checkMoney(input.amount, "amount", { min: "positive" }),
    transactionId: checkText(input.transactionId, "transactionId", { max: MAX_SHORT, required: true }).trim(),
    paymentMethod: checkText(input.paymentMethod, "paymentMethod", { max: MAX_SHORT, required: true }).trim(),
  }));
}

export interface CheckedRefund {
  paymentId: number;
  /** Null: the whole refundable amount of the payment. Zero or less is left to the amount rule. */
  amount: Money | null;
  reason: string | null;
}

/** A refundOrderPayment input checked: a payment id, a decimal amount if given, a reason if given. */
export function checkRefund(input: {
  paymentId: unknown;
  amount?: unknown;
  reason?: unknown;
}): CheckedRefund | InvalidOrderInputError {
  return validated(() => {
    const id = String(input.paymentId ?? "");
    if (!/^\d{1,9}$/.test(id)) throw new InputError("paymentId", "This order has no payment with this id.");
    const reason = input.reason == null ? null : checkText(input.reason, "reason", { max: 1000 }).trim() || null;
    return { paymentId: Number(id), amount: input.amount == null ? null : checkMoney(input.amount, "amount"), reason };
  });
}
