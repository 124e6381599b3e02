/**
 * Query limits, checked once the operation is known and before anything runs: depth, cost (fields
 * weighted by the `first` of the lists they are in), aliases, root fields, and introspection.
 */
import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { GraphQLError } from "graphql";
import type { Limits } from "../config.js";

export interface QueryShape {
  depth: number;
  cost: number;
  aliases: number;
  rootFields: number;
  introspection: boolean;
}

/** Fields whose children repeat once per node of a page: their cost is multiplied by `first`. */
const PAGED = new Set(["orders", "allOrders"]);
const DEFAULT_FIRST = 20;

function argValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

/** Measures an operation; fragments are expanded (validation has already refused cycles). */
export function measure(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): QueryShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const shape: QueryShape = { depth: 0, cost: 0, aliases: 0, rootFields: 0, introspection: false };

  function fieldsOf(set: SelectionSetNode, seen: Set<string>): FieldNode[] {
    const out: FieldNode[] = [];
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) out.push(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(sel.selectionSet, seen));
      else {
        const f = fragments.get(sel.name.value);
        if (f && !seen.has(f.name.value)) out.push(...fieldsOf(f.selectionSet, new Set([...seen, f.name.value])));
      }
    }
    return out;
  }

  /** Cost of a selection set: 1 per composite field, times `first` under paged lists. */
  function walk(set: SelectionSetNode, depth: number): number {
    let cost = 0;
    for (const field of fieldsOf(set, new Set())) {
      const name = field.name.value;
      if (name === "__schema" || name === "__type") shape.introspection = true;
      if (field.alias) shape.aliases++;
      shape.depth = Math.max(shape.depth, depth);
      if (!field.selectionSet) continue;
      let multiplier = 1;
      if (PAGED.has(name)) {
        const first = argValue(field.arguments?.find((a) => a.name.value === "first")?.value, variables);
        multiplier = typeof first === "number" && Number.isFinite(first) ? Math.max(0, first) : DEFAULT_FIRST;
      }
      cost += 1 + multiplier * walk(field.selectionSet, depth + 1);
    }
    return cost;
  }

  shape.rootFields = fieldsOf(operation.selectionSet, new Set()).length;
  shape.cost = walk(operation.selectionSet, 1);
  return shape;
}

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX", http: { status: 400 } } });
}

/** Throws a QUERY_TOO_COMPLEX error naming the first limit the operation exceeds. */
export function enforceLimits(shape: QueryShape, limits: Limits): void {
  if (shape.depth > limits.depth)
    throw tooComplex(`Query is ${shape.depth} levels deep; the limit is ${limits.depth}.`);
  if (shape.aliases > limits.aliases)
    throw tooComplex(`Query has ${shape.aliases} aliases; the limit is ${limits.aliases}.`);
  if (shape.rootFields > limits.rootFields)
    throw tooComplex(`Query has ${shape.rootFields} root fields; the limit is ${limits.rootFields}.`);
  if (shape.cost > limits.cost)
    throw tooComplex(`Query costs ${shape.cost}; the limit is ${limits.cost} (lists count once per \`first\`).`);
}
