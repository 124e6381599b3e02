/** A request's context makes its loaders once, when first read, with the columns the operation shows. */
import { describe, expect, it } from "vitest";
import { RequestContext, type ContextServices } from "../../src/context.js";
import { CORE_SELECT, FULL_SELECT } from "../../src/orders/order.select.js";
import { createPaymentRegistry } from "../../src/payments/registry.js";

const services = {
  prisma: {},
  registry: createPaymentRegistry(["dummy"]),
} as unknown as ContextServices;
const staff = { kind: "user", user: { id: 1, email: "s@example.com", isStaff: true } } as const;

describe("RequestContext", () => {
  it("makes no loaders until a resolver reads them, then the same ones for the whole request", () => {
    const ctx = new RequestContext(services, staff);
    expect(Object.values(ctx).some((v) => v && typeof v === "object" && "items" in v)).toBe(false);
    const first = ctx.loaders;
    expect(ctx.loaders).toBe(first);
    expect(ctx.loaders.items).toBe(first.items);
  });

  it("uses the select set once the operation is known (not the full one it starts with)", () => {
    const ctx = new RequestContext(services, staff);
    expect(ctx.select).toBe(FULL_SELECT);
    ctx.select = CORE_SELECT;
    const made = ctx.loaders;
    expect(made).toBeDefined();
    // A copy made as Apollo makes one for each operation of a batch gets loaders of its own.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(ctx)), ctx) as RequestContext;
    expect(copy.loaders).toBe(made);
    const fresh = new RequestContext(services, staff);
    const freshCopy = Object.assign(Object.create(Object.getPrototypeOf(fresh)), fresh) as RequestContext;
    expect(freshCopy.loaders).not.toBe(fresh.loaders);
  });
});
