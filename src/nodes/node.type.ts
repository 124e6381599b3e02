/** The Node interface of the GraphQL Global Object Identification specification. */
import "reflect-metadata";
import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType({
  // Every Node type is reachable from the queries; registering them all up front would only move
  // them to the top of schema.graphql.
  autoRegisterImplementations: false,
  description:
    "An object that can be fetched again by its global id with `node` or `nodes` (the GraphQL Global Object Identification specification, as Relay uses it, with `nodeId` as its id field).",
})
export abstract class Node {
  @Field(() => ID, {
    description:
      "The global id: opaque, the same on every request, unique across all types; `node` and `nodes` take it. `id` keeps its own meaning (for most types the REST ancestor's row number, which repeats from one type to the next).",
  })
  nodeId!: string;
}
