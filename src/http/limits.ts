/**
 * Query limits, checked once the operation is known and before anything runs: depth, cost (fields
 * weighted by the `first` of the lists they are in, and by the number of ids `nodes` is given),
 * aliases, root fields, and introspection.
 */
import {
  Kind,
  type GraphQLError,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import type { Limits } from "../config.js";
import { MAX_NODE_IDS } from "../nodes/node.resolver.js";
import { publicError, ThrownCode } from "../shared/errors.js";
import { DEFAULT_PAGE_SIZE, HISTORY_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/pagination.js";

export interface QueryShape {
  depth: number;
  cost: number;
  aliases: number;
  rootFields: number;
  introspection: boolean;
  /** How deep the deepest introspection field nests (0 without introspection). */
  introspectionDepth: number;
}

/**
 * Fields whose children repeat once per node of a page: their cost is multiplied by `first`, counted
 * at most at the list's largest page (a larger `first` is refused by the list itself, with a clearer
 * error than a cost).
 */
const PAGED: Record<string, { dflt: number; max: number }> = {
  orders: { dflt: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE },
  allOrders: { dflt: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE },
  history: { dflt: HISTORY_PAGE_SIZE, max: MAX_PAGE_SIZE },
  deliveries: { dflt: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE },
};

/**
 * Root fields that take a list of ids, whose children repeat once per id: their cost is multiplied
 * by the list's length, counted at most at its largest (a longer list is refused by the field).
 */
const ID_LISTS: Record<string, { arg: string; max: number }> = {
  nodes: { arg: "ids", max: MAX_NODE_IDS },
};

/**
 * How deep an introspection field (`__schema`, `__type`) may nest. Introspection reads the schema,
 * never the database, and the queries tools send nest type references deep (graphql-js's standard
 * query is 15 levels); they are held to this instead of MAX_QUERY_DEPTH, and everything else in the
 * operation to MAX_QUERY_DEPTH as always.
 */
export const INTROSPECTION_MAX_DEPTH = 30;

function argValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

/** How many items a list argument holds (a single value stands for a list of one). */
function listLength(node: ValueNode | undefined, variables: Record<string, unknown>): number {
  if (!node) return 0;
  if (node.kind === Kind.LIST) return node.values.length;
  if (node.kind === Kind.VARIABLE) {
    const value = variables[node.name.value];
    return Array.isArray(value) ? value.length : value == null ? 0 : 1;
  }
  return node.kind === Kind.NULL ? 0 : 1;
}

/** Measures an operation; fragments are expanded (validation has already refused cycles). */
export function measure(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): QueryShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const shape: QueryShape = {
    depth: 0,
    cost: 0,
    aliases: 0,
    rootFields: 0,
    introspection: false,
    introspectionDepth: 0,
  };

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

  /**
   * Cost of a selection set: 1 per composite field, times `first` under paged lists. `inside` is the
   * depth at which an introspection field was entered (0 outside introspection).
   */
  function walk(set: SelectionSetNode, depth: number, inside = 0): number {
    let cost = 0;
    for (const field of fieldsOf(set, new Set())) {
      const name = field.name.value;
      let entered = inside;
      if (!entered && (name === "__schema" || name === "__type")) {
        shape.introspection = true;
        entered = depth;
      }
      if (field.alias) shape.aliases++;
      if (entered) shape.introspectionDepth = Math.max(shape.introspectionDepth, depth - entered + 1);
      else shape.depth = Math.max(shape.depth, depth);
      if (!field.selectionSet) continue;
      let multiplier = 1;
      const paged = PAGED[name];
      const ids = depth === 1 ? ID_LISTS[name] : undefined;
      if (paged && !entered) {
        const first = argValue(field.arguments?.find((a) => a.name.value === "first")?.value, variables);
        multiplier =
          typeof first === "number" && Number.isFinite(first) ? Math.min(Math.max(0, first), paged.max) : paged.dflt;
      } else if (ids) {
        const length = listLength(field.arguments?.find((a) => a.name.value === ids.arg)?.value, variables);
        multiplier = Math.min(length, ids.max);
      }
      cost += 1 + multiplier * walk(field.selectionSet, depth + 1, entered);
    }
    return cost;
  }

  shape.rootFields = fieldsOf(operation.selectionSet, new Set()).length;
  shape.cost = walk(operation.selectionSet, 1);
  return shape;
}

function tooComplex(message: string): GraphQLError {
  return publicError(ThrownCode.QUERY_TOO_COMPLEX, message, { status: 400 });
}

/** Throws a QUERY_TOO_COMPLEX error naming the first limit the operation exceeds. */
export function enforceLimits(shape: QueryShape, limits: Limits): void {
  if (shape.introspectionDepth > INTROSPECTION_MAX_DEPTH) {
    throw tooComplex(
      `Introspection is ${shape.introspectionDepth} levels deep; the limit is ${INTROSPECTION_MAX_DEPTH}.`,
    );
  }
  if (shape.depth > limits.depth)
    throw tooComplex(`Query is ${shape.depth} levels deep; the limit is ${limits.depth}.`);
  if (shape.aliases > limits.aliases)
    throw tooComplex(`Query has ${shape.aliases} aliases; the limit is ${limits.aliases}.`);
  if (shape.rootFields > limits.rootFields)
    throw tooComplex(`Query has ${shape.rootFields} root fields; the limit is ${limits.rootFields}.`);
  if (shape.cost > limits.cost)
    throw tooComplex(
      `Query costs ${shape.cost}; the limit is ${limits.cost} (lists count once per \`first\`, \`nodes\` once per id).`,
    );
}
