/**
 * Query limits, checked once the operation is known and before anything runs: depth, cost (fields
 * weighted by the `first` of the lists they are in, and by the number of ids `nodes` is given),
 * aliases, root fields, directives, and introspection.
 *
 * Checking costs time linear in the document's size, whatever its fragments do: each fragment is
 * measured once (in an order where the fragments it spreads are measured before it) and every spread
 * of it reuses that measure, so a document whose fragments spread each other twice, level after
 * level, costs what it weighs, not 2^levels. Nothing recurses deeper than a selection set nests
 * within one fragment, and that is cut off at NESTING_CUTOFF.
 *
 * The check runs per request, once the operation is known: after graphql-js's validation (itself
 * linear on these shapes: every fragment pair and spread is compared once) and before execution.
 * It cannot be a validation rule: Apollo validates a document once and serves it from its cache
 * afterwards, and the cost depends on each request's variables.
 */
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import type { Limits } from "../config.js";
import { MAX_NODE_IDS } from "../nodes/node.resolver.js";
import { publicError, ThrownCode } from "../shared/errors.js";
import { MAX_PAGE_SIZE } from "../shared/pagination.js";

export interface QueryShape {
  depth: number;
  cost: number;
  aliases: number;
  rootFields: number;
  directives: number;
  introspection: boolean;
  /** How deep the deepest introspection field nests (0 without introspection). */
  introspectionDepth: number;
}

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

/**
 * Selections nested deeper than this (fields and inline fragments, within one fragment or the
 * operation) are not walked further: the document is already deeper than any limit allows
 * (MAX_QUERY_DEPTH is at most 100), and stopping keeps the walk's own stack small.
 */
export const NESTING_CUTOFF = 128;

/**
 * How deep a document's brackets may nest before it is refused from its text, unparsed: as deep
 * as the deepest document within the limits could need (each field level, introspection's too,
 * with an inline fragment; an argument's value as deep as MAX_JSON_DEPTH), 128 by default. Deeper
 * documents would otherwise be parsed (graphql-js's parser recurses: past ~2,000 levels it overflows
 * the stack), validated and stored in Apollo's document cache (which serialises the document to
 * weigh it: past ~1,400 levels "Could not store validated document. Maximum call stack size
 * exceeded", logged per request) before the depth limit refused them.
 */
export function maxBrackets(limits: Pick<Limits, "depth" | "jsonDepth">): number {
  return 2 * Math.max(limits.depth, INTROSPECTION_MAX_DEPTH) + limits.jsonDepth + 4;
}

/**
 * How deep the brackets (`{`, `(`, `[`) of a document's text nest, strings, block strings and
 * comments skipped; counting stops past `cutoff`. Linear in the text, without recursion.
 */
export function bracketNesting(text: string, cutoff: number): number {
  let depth = 0;
  let max = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x28 || c === 0x5b) {
      if (++depth > max && (max = depth) > cutoff) return max;
    } else if (c === 0x7d || c === 0x29 || c === 0x5d) {
      if (depth > 0) depth--;
    } else if (c === 0x23) {
      // a comment, to the end of its line
      while (i + 1 < n && text.charCodeAt(i + 1) !== 0x0a && text.charCodeAt(i + 1) !== 0x0d) i++;
    } else if (c === 0x22) {
      if (text.startsWith('"""', i)) {
        // a block string: its only escape is \"""
        i += 3;
        while (i < n && !text.startsWith('"""', i)) i += text.startsWith('\\"""', i) ? 4 : 1;
        i += 2;
      } else {
        // a string, to its closing quote (or the end of the line, where the parser will refuse it)
        i++;
        while (i < n && text.charCodeAt(i) !== 0x22 && text.charCodeAt(i) !== 0x0a)
          i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      }
    }
  }
  return max;
}

/**
 * Whether a document's brackets nest at most `cutoff` deep (bracketNesting). A text with no more
 * than `cutoff` opening brackets in all, strings and comments included, cannot nest deeper: counted
 * with indexOf first, which is an order of magnitude faster than the scan on the documents clients send.
 */
export function withinBrackets(text: string, cutoff: number): boolean {
  let openers = 0;
  for (const c of OPENERS)
    for (let i = text.indexOf(c); i !== -1; i = text.indexOf(c, i + 1)) if (++openers > cutoff) break;
  return openers <= cutoff || bracketNesting(text, cutoff) <= cutoff;
}
const OPENERS = ["{", "(", "["];

/** Counts past this are all "too many": keeps sums and products finite (never Infinity × 0 = NaN). */
const SATURATED = 1e15;
const sat = (n: number): number => (n > SATURATED || Number.isNaN(n) ? SATURATED : n);

/** What one selection set (or fragment) adds, measured relative to where it is spread. */
interface Measure {
  cost: number;
  /** Deepest field outside introspection, 1 for the set's own fields (0: none). */
  depth: number;
  /** Deepest introspection depth found inside; for a set inside introspection, relative like `depth`. */
  introspectionDepth: number;
  introspection: boolean;
  aliases: number;
  directives: number;
  /** Fields at the set's own level, through fragments (the operation's root fields). */
  fields: number;
}

const empty = (): Measure => ({
  cost: 0,
  depth: 0,
  introspectionDepth: 0,
  introspection: false,
  aliases: 0,
  directives: 0,
  fields: 0,
});

/** The fragments a selection set spreads, at any nesting (without recursion). */
function spreadsIn(set: SelectionSetNode): string[] {
  const names: string[] = [];
  const stack: SelectionSetNode[] = [set];
  while (stack.length) {
    for (const sel of stack.pop()!.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) names.push(sel.name.value);
      else if (sel.selectionSet) stack.push(sel.selectionSet);
    }
  }
  return names;
}

/**
 * The fragments an operation uses, each after the fragments it spreads (an iterative depth-first
 * walk). A spread that closes a cycle is left out: validation refuses such documents anyway.
 */
function fragmentOrder(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
): { order: FragmentDefinitionNode[]; cyclic: Set<string> } {
  const order: FragmentDefinitionNode[] = [];
  const state = new Map<string, "open" | "done">();
  const cyclic = new Set<string>();
  const stack: { name: string; next: string[] }[] = [];
  const enter = (name: string) => {
    const f = fragments.get(name);
    if (!f || state.get(name) === "done") return;
    if (state.get(name) === "open") {
      cyclic.add(name);
      return;
    }
    state.set(name, "open");
    stack.push({ name, next: spreadsIn(f.selectionSet) });
  };
  for (const name of spreadsIn(operation.selectionSet)) {
    enter(name);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const child = top.next.pop();
      if (child !== undefined) enter(child);
      else {
        stack.pop();
        state.set(top.name, "done");
        order.push(fragments.get(top.name)!);
      }
    }
  }
  return { order, cyclic };
}

/**
 * Measures an operation on the values execution will use: a `first` or an `ids` written in the
 * document, sent as a variable, taken from the variable's default, or else the argument's default in
 * the schema. Fragments are measured once each (see the top of this file).
 */
export function measure(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  /** Gets the name of every variable whose value the measure read. */
  reads?: Set<string>,
): QueryShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const defaults = new Map<string, ValueNode>();
  for (const v of operation.variableDefinitions ?? []) {
    if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);
  }
  const queryType = schema.getQueryType();

  /** The value an argument will have: written, sent, the variable's default, else the schema's. */
  function argument(field: FieldNode, arg: GraphQLArgument | undefined, name: string): unknown {
    const node = field.arguments?.find((a) => a.name.value === name)?.value;
    if (node && reads) for (const v of variablesIn(node)) reads.add(v);
    if (node?.kind === Kind.VARIABLE) {
      const v = node.name.value;
      if (Object.prototype.hasOwnProperty.call(variables, v)) return variables[v];
      const dflt = defaults.get(v);
      return dflt ? valueFromASTUntyped(dflt) : arg?.defaultValue;
    }
    return node ? valueFromASTUntyped(node, variables) : arg?.defaultValue;
  }

  function fieldDef(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
    if (name === "__typename") return TypeNameMetaFieldDef;
    if (parent && parent === queryType) {
      if (name === "__schema") return SchemaMetaFieldDef;
      if (name === "__type") return TypeMetaFieldDef;
    }
    return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
  }

  /** How many times a field's children run: its page size, or its number of ids, else once. */
  function multiplier(parent: GraphQLNamedType | undefined, field: FieldNode, def: GraphQLField<unknown, unknown>) {
    const ids = parent === queryType ? ID_LISTS[field.name.value] : undefined;
    if (ids) {
      const value = argument(
        field,
        def.args.find((a) => a.name === ids.arg),
        ids.arg,
      );
      const length = Array.isArray(value) ? value.length : value == null ? 0 : 1;
      return Math.min(length, ids.max);
    }
    const firstArg = def.args.find((a) => a.name === "first");
    if (!firstArg) return 1;
    const value = argument(field, firstArg, "first") ?? firstArg.defaultValue;
    // A `first` that is not a number is refused by validation or by the list itself.
    if (typeof value !== "number" || !Number.isFinite(value)) return MAX_PAGE_SIZE;
    return Math.min(Math.max(0, value), MAX_PAGE_SIZE);
  }

  /** Measures of fragments, by name and by whether they are spread inside introspection. */
  const measured = new Map<string, Measure>();
  const key = (name: string, inside: boolean) => `${inside ? "i" : "o"}:${name}`;

  /**
   * Measures a selection set whose fields are at relative depth `level` (1 for the set measured).
   * `inside`: the set is within an introspection field, where `depth` counts introspection levels.
   */
  function walk(
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    inside: boolean,
    level: number,
    into: Measure,
    nesting: number,
  ): number {
    let cost = 0;
    if (nesting > NESTING_CUTOFF) {
      into.depth = Math.max(into.depth, level + NESTING_CUTOFF);
      return 0;
    }
    for (const sel of set.selections) {
      into.directives = sat(into.directives + (sel.directives?.length ?? 0));
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const m = measured.get(key(sel.name.value, inside));
        if (!m) continue; // unknown or cyclic: validation refuses it
        cost = sat(cost + m.cost);
        // Inside introspection a fragment's levels are introspection levels (measureSet moved them).
        const depth = inside ? m.introspectionDepth : m.depth;
        if (depth) into.depth = Math.max(into.depth, level - 1 + depth);
        if (!inside) into.introspectionDepth = Math.max(into.introspectionDepth, m.introspectionDepth);
        into.introspection ||= m.introspection;
        into.aliases = sat(into.aliases + m.aliases);
        into.directives = sat(into.directives + m.directives);
        if (level === 1) into.fields = sat(into.fields + m.fields);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        cost = sat(cost + walk(sel.selectionSet, type, inside, level, into, nesting + 1));
        continue;
      }
      const name = sel.name.value;
      if (level === 1) into.fields++;
      if (sel.alias) into.aliases = sat(into.aliases + 1);
      const enters = !inside && (name === "__schema" || name === "__type") && parent === queryType;
      if (!enters) into.depth = Math.max(into.depth, level);
      if (!sel.selectionSet) continue;
      const def = fieldDef(parent, name);
      const type = def ? getNamedType(def.type) : undefined;
      if (enters) {
        into.introspection = true;
        const inner = empty();
        inner.cost = walk(sel.selectionSet, type, true, 2, inner, nesting + 1);
        into.introspectionDepth = Math.max(into.introspectionDepth, inner.depth, 1);
        into.aliases = sat(into.aliases + inner.aliases);
        into.directives = sat(into.directives + inner.directives);
        cost = sat(cost + 1 + inner.cost);
        continue;
      }
      const times = def && !inside ? multiplier(parent, sel, def) : 1;
      cost = sat(cost + 1 + times * walk(sel.selectionSet, type, inside, level + 1, into, nesting + 1));
    }
    return cost;
  }

  function measureSet(set: SelectionSetNode, parent: GraphQLNamedType | undefined, inside: boolean): Measure {
    const m = empty();
    m.cost = walk(set, parent, inside, 1, m, 0);
    if (inside) {
      m.introspectionDepth = m.depth;
      m.depth = 0;
    }
    return m;
  }

  const { order } = fragmentOrder(operation, fragments);
  for (const f of order) {
    const type = schema.getType(f.typeCondition.name.value);
    for (const inside of [false, true]) {
      const m = measureSet(f.selectionSet, type, inside);
      m.directives = sat(m.directives + (f.directives?.length ?? 0));
      measured.set(key(f.name.value, inside), m);
    }
  }
  const root = measureSet(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, false);
  return {
    depth: root.depth,
    cost: root.cost,
    aliases: root.aliases,
    rootFields: root.fields,
    directives: sat(root.directives + (operation.directives?.length ?? 0)),
    introspection: root.introspection,
    introspectionDepth: root.introspectionDepth,
  };
}

/** The variables a value written in the document names, at any nesting (`[$a, $b]`). */
function variablesIn(node: ValueNode): string[] {
  if (node.kind === Kind.VARIABLE) return [node.name.value];
  const names: string[] = [];
  const stack: ValueNode[] = [node];
  while (stack.length) {
    const v = stack.pop()!;
    if (v.kind === Kind.VARIABLE) names.push(v.name.value);
    else if (v.kind === Kind.LIST) stack.push(...v.values);
    else if (v.kind === Kind.OBJECT) for (const f of v.fields) stack.push(f.value);
  }
  return names;
}

/** An operation's last measure, with the values of the variables it read. */
interface Measured {
  schema: GraphQLSchema;
  document: DocumentNode;
  shape: QueryShape;
  reads: string[];
  values: string;
}

/** The values of the variables `names` as one string: "-" for one not sent. */
function valuesOf(names: string[], variables: Record<string, unknown>): string {
  let text = "";
  for (const name of names)
    text += Object.prototype.hasOwnProperty.call(variables, name)
      ? `${JSON.stringify(variables[name]) ?? "u"}\u0000`
      : "-\u0000";
  return text;
}

/**
 * `measure`, remembered per operation node: Apollo hands the same document (and so the same
 * operation node) for the same text from its document cache, and a measure depends only on the
 * schema, the document and the values of the few variables it reads (the `first`s and `ids`
 * written as variables), whose values are compared for each request. The last measure of each
 * operation is kept, as long as the document is (a WeakMap).
 */
export function measureOnce(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): QueryShape {
  const last = measuredShapes.get(operation);
  if (
    last &&
    last.schema === schema &&
    last.document === document &&
    (last.reads.length === 0 || last.values === valuesOf(last.reads, variables))
  )
    return last.shape;
  const read = new Set<string>();
  const shape = Object.freeze(measure(schema, document, operation, variables, read));
  const reads = [...read];
  measuredShapes.set(operation, { schema, document, shape, reads, values: valuesOf(reads, variables) });
  return shape;
}
const measuredShapes = new WeakMap<OperationDefinitionNode, Measured>();

function tooComplex(message: string): GraphQLError {
  return publicError(ThrownCode.QUERY_TOO_COMPLEX, message, { status: 400 });
}

const count = (n: number) => (n >= SATURATED ? "more than 10^15" : String(n));

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
    throw tooComplex(`Query has ${count(shape.aliases)} aliases; the limit is ${limits.aliases}.`);
  if (shape.rootFields > limits.rootFields)
    throw tooComplex(`Query has ${count(shape.rootFields)} root fields; the limit is ${limits.rootFields}.`);
  if (shape.directives > limits.directives)
    throw tooComplex(`Query has ${count(shape.directives)} directives; the limit is ${limits.directives}.`);
  if (shape.cost > limits.cost)
    throw tooComplex(
      `Query costs ${count(shape.cost)}; the limit is ${limits.cost} (lists count once per \`first\`, \`nodes\` once per id).`,
    );
}
