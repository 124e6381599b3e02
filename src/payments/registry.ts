/** The payment methods this server offers, in the order PAYMENT_METHODS lists them. */
import { ConfigError } from "../config.js";
import { creditCard } from "./credit-card.js";
import { dummy } from "./dummy.js";
import { payInAdvance } from "./pay-in-advance.js";
import type { PaymentMethod, PaymentRequest } from "./payment-method.js";

/** Built-in methods by identifier. */
export const BUILT_IN_METHODS: Record<string, () => PaymentMethod> = {
  "credit-card": creditCard,
  "pay-in-advance": payInAdvance,
  dummy,
};

export class PaymentRegistry {
  private readonly byId = new Map<string, PaymentMethod>();

  constructor(readonly methods: readonly PaymentMethod[]) {
    for (const m of methods) {
      if (this.byId.has(m.identifier))
        throw new ConfigError(`Two payment methods have the identifier "${m.identifier}"`);
      this.byId.set(m.identifier, m);
    }
  }

  get(identifier: string): PaymentMethod | undefined {
    return this.byId.get(identifier);
  }

  label(identifier: string): string {
    return this.byId.get(identifier)?.label ?? identifier;
  }

  /** Methods that can pay an existing order and are enabled for this request. */
  forOrders(request: PaymentRequest): PaymentMethod[] {
    return this.methods.filter((m) => m.orderPayment && (m.isEnabled?.(request) ?? true));
  }
}

/**
 * Builds the registry from identifiers: built-ins by name, plus custom methods (which are
 * enabled when listed, or always when `identifiers` is not given for them).
 */
export function createPaymentRegistry(
  identifiers: readonly string[],
  custom: readonly PaymentMethod[] = [],
): PaymentRegistry {
  const customById = new Map(custom.map((m) => [m.identifier, m]));
  const methods = identifiers.map((id) => {
    const m = customById.get(id) ?? BUILT_IN_METHODS[id]?.();
    if (!m) {
      const known = [...new Set([...Object.keys(BUILT_IN_METHODS), ...customById.keys()])].join(", ");
      throw new ConfigError(`PAYMENT_METHODS names an unknown payment method "${id}" (known: ${known})`);
    }
    return m;
  });
  return new PaymentRegistry(methods);
}
