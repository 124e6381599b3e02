/** Access is declared where a field is, and fails closed: no root field may go without a rule. */
import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { Authorized, buildSchemaSync, Field, ObjectType, Query, Resolver } from "type-graphql";
import { PUBLIC_ROOT_FIELDS, Role } from "../../src/auth/auth-checker.js";
import { nodeKinds, type RegisteredKind } from "../../src/nodes/node.registry.js";
import { Node } from "../../src/nodes/node.type.js";
import { createSchema, possibleTypes, unguardedRootFields, unmatchedNodeKinds } from "../../src/schema.js";

@ObjectType()
class Probe {
  @Field(() => String) name!: string;
}

/** A Node type whose folder forgot to register how to load it by id. */
@ObjectType({ implements: Node })
class Unloadable {
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
        "Mutation.requestReturn",
        "Query.lastOrder",
        "Query.me",
        "Query.node",
        "Query.nodes",
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

  it("every Node type of the API has a registered kind (how node and nodes load it and who may see it)", () => {
    const schema = createSchema();
    expect(unmatchedNodeKinds(schema)).toEqual([]);
    expect(
      nodeKinds()
        .map((k) => k.typeName)
        .sort(),
    ).toEqual(possibleTypes(schema).Node);
  });

  it("finds a Node type with no registered kind, and a kind whose type is not a Node", () => {
    const schema = buildSchemaSync({
      resolvers: [ProbeResolver],
      orphanedTypes: [Unloadable],
      authChecker: () => true,
    });
    const stray = { typeName: "Probe" } as RegisteredKind;
    expect(unmatchedNodeKinds(schema, [stray])).toEqual([
      "Unloadable implements Node and no Node kind was registered for it",
      "a Node kind was registered for Probe, which does not implement Node",
    ]);
  });
});
