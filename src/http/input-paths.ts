/**
 * An input value a scalar refused (shared/errors.ts, InputValueError), named by the path the
 * client wrote: the argument and the fields and indexes inside it (`input.items.0.unitPrice`, as
 * InvalidOrderInputError names fields),
 * whether the value was a literal in the document or came in a variable used there. graphql-js
 * words these errors after its own steps (`Variable "$input" got invalid value … at "input…"`,
 * `Expected value of type …, found …`); the client gets `<path>: <what is accepted>` and the path
 * again in `extensions.field`.
 */
import { Kind, parse, type DocumentNode, type GraphQLError, type ValueNode } from "graphql";
import { InputValueError } from "../shared/errors.js";

/** The InputValueError an error is or wraps, if any. */
function inputValueErrorIn(error: unknown): InputValueError | undefined {
  const seen = new Set<unknown>();
  for (
    let e = error;
    e && typeof e === "object" && !seen.has(e);
    e = (e as { originalError?: unknown }).originalError
  ) {
    if (e instanceof InputValueError) return e;
    seen.add(e);
  }
  return undefined;
}

type Found = { kind: "literal"; start: number } | { kind: "variable"; name: string };

/** The path (`input.items.0.unitPrice`) of the first argument value `found` describes, in any field of `document`. */
function argumentPath(document: DocumentNode, found: Found): string | null {
  const stack: {
    node: ValueNode | null;
    args?: readonly { name: { value: string }; value: ValueNode }[];
    path: string;
  }[] = [];
  const selections: unknown[] = [...document.definitions];
  // Every field's (and directive's) arguments, wherever they are.
  while (selections.length > 0) {
    const node = selections.pop() as {
      kind: string;
      arguments?: readonly { name: { value: string }; value: ValueNode }[];
      directives?: readonly unknown[];
      selectionSet?: { selections: readonly unknown[] };
    };
    if (node.arguments) stack.push({ node: null, args: node.arguments, path: "" });
    if (node.directives) selections.push(...node.directives);
    if (node.selectionSet) selections.push(...node.selectionSet.selections);
  }
  while (stack.length > 0) {
    const { node, args, path } = stack.pop()!;
    if (args) {
      for (const a of args) stack.push({ node: a.value, path: a.name.value });
      continue;
    }
    if (!node) continue;
    if (found.kind === "literal" && node.loc?.start === found.start) return path;
    if (found.kind === "variable" && node.kind === Kind.VARIABLE && node.name.value === found.name) return path;
    if (node.kind === Kind.OBJECT)
      for (const f of node.fields) stack.push({ node: f.value, path: `${path}.${f.name.value}` });
    else if (node.kind === Kind.LIST) node.values.forEach((v, i) => stack.push({ node: v, path: `${path}.${i}` }));
  }
  return null;
}

/**
 * `{ field, message }` for an error about an input value a scalar refused, naming the path the
 * client wrote; null for any other error (or when the path cannot be found).
 */
export function inputPathOf(error: GraphQLError): { field: string; message: string } | null {
  const refusal = inputValueErrorIn(error);
  const node = error.nodes?.[0];
  const body = error.source?.body ?? node?.loc?.source.body;
  if (!refusal || !node || body === undefined) return null;
  let document: DocumentNode;
  try {
    document = parse(body);
  } catch {
    return null;
  }
  let field: string | null = null;
  if (node.kind === Kind.VARIABLE_DEFINITION) {
    // graphql-js names the place inside the variable only in its message: `at "input.items[0].unitPrice"`.
    const name = node.variable.name.value;
    const inside = new RegExp(`at "${name}((?:\\.[_A-Za-z][_0-9A-Za-z]*|\\[\\d+\\])*)"; `).exec(error.message);
    const at = argumentPath(document, { kind: "variable", name });
    if (at !== null) field = at + (inside?.[1] ?? "").replace(/\[(\d+)\]/g, ".$1");
  } else if (node.loc) {
    field = argumentPath(document, { kind: "literal", start: node.loc.start });
  }
  return field === null ? null : { field, message: `${field}: ${refusal.message}` };
}
