/** Access is declared where a field is, and fails closed: no root field may go without a rule. */
import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { Authorized, buildSchemaSync, Field, ObjectType, Query, Resolver } from "type-graphql";
import { PUBLIC_ROOT_FIELDS, Role } from "../../src/auth/auth-checker.js";
import { createSchema, unguardedRootFields } from "../../src/schema.js";

@ObjectType()
class Probe {
  @Field(() => String) name!: string;
}

@Resolver(() => Probe)
class ProbeResolver {
  @Query(() => Probe)
  forgotten(): Probe {
    return { name: "no rule" };
  }

  @Authorized(Role.STAFF)
  @Query(() => Probe)
  guarded(): Probe {
    return { name: "staff" };
  }
}

describe("access", () => {
  it("every root field of the API has a rule or is declared public", () => {
    expect(unguardedRootFields(createSchema())).toEqual([]);
  });

  it("the public root fields are exactly these (each does its own visibility check)", () => {
    expect([...PUBLIC_ROOT_FIELDS].sort()).toEqual(
      [
        "Mutation.payOrder",
        "Query.lastOrder",
        "Query.me",
        "Query.order",
        "Query.orderPaymentMethods",
        "Query.orders",
        "Query.paymentMethods",
        "Subscription.orderEvents",
      ].sort(),
    );
  });

  it("finds a root field that forgot its rule", () => {
    const schema = buildSchemaSync({ resolvers: [ProbeResolver], authChecker: () => true });
    expect(unguardedRootFields(schema)).toEqual(["Query.forgotten"]);
  });
});
