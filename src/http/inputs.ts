/**
 * What a request's values may hold, checked on the decoded values before anything runs: no NUL
 * (U+0000, which PostgreSQL text cannot hold), whatever escape wrote it (`\u0000` or `\u{0}` in the
 * document, `\u0000` in JSON), and JSON no deeper than MAX_JSON_DEPTH (variables, and the object and
 * list values written in the document). Both walks use an explicit stack: a value nested 100,000
 * levels deep is refused, never a stack overflow.
 */
import { BREAK, Kind, visit, type DocumentNode, type GraphQLError } from "graphql";
import { publicError, ThrownCode } from "../shared/errors.js";

export const NUL_MESSAGE = "Text may not contain the NUL character (U+0000).";

function nulError(): GraphQLError {
  return publicError(ThrownCode.BAD_USER_INPUT, NUL_MESSAGE, { status: 400 });
}

export function tooDeepMessage(max: number): string {
  return `JSON may nest at most ${max} levels (MAX_JSON_DEPTH).`;
}

function tooDeep(max: number): GraphQLError {
  return publicError(ThrownCode.BAD_USER_INPUT, tooDeepMessage(max), { status: 400 });
}

/**
 * Why `value` (parsed JSON) may not be taken: "deep" when it nests more than `maxDepth` levels,
 * else "nul" when a string or key in it holds NUL; null when it is fine. A scalar is level 0, an
 * object or list level 1, and so on.
 */
export function jsonProblem(value: unknown, maxDepth: number): "nul" | "deep" | null {
  let nul = false;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "string") {
      if (v.includes("\0")) nul = true;
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth + 1 > maxDepth) return "deep";
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
    } else {
      for (const key in v) {
        if (key.includes("\0")) nul = true;
        stack.push([(v as Record<string, unknown>)[key], depth + 1]);
      }
    }
  }
  return nul ? "nul" : null;
}

/** Throws BAD_USER_INPUT (400) when `value` holds NUL or nests deeper than `maxDepth`. */
export function checkJson(value: unknown, maxDepth: number): void {
  const problem = jsonProblem(value, maxDepth);
  if (problem === "nul") throw nulError();
  if (problem === "deep") throw tooDeep(maxDepth);
}

/**
 * Throws BAD_USER_INPUT (400) when a string the document writes decodes to text with NUL, or when
 * its object and list values nest deeper than `maxDepth`. (graphql-js's `visit` keeps its own
 * stack.)
 */
export function checkDocumentValues(document: DocumentNode, maxDepth: number): void {
  const known = checkedDocuments.get(document);
  const problem = known?.maxDepth === maxDepth ? known.problem : documentProblem(document, maxDepth);
  if (known?.maxDepth !== maxDepth) checkedDocuments.set(document, { maxDepth, problem });
  if (problem === "nul") throw nulError();
  if (problem === "deep") throw tooDeep(maxDepth);
}

/**
 * What checkDocumentValues found in a document, kept as long as the document is: Apollo hands the
 * same document for the same text (its document cache), and the answer depends on nothing else.
 */
const checkedDocuments = new WeakMap<DocumentNode, { maxDepth: number; problem: "nul" | "deep" | null }>();

function documentProblem(document: DocumentNode, maxDepth: number): "nul" | "deep" | null {
  let depth = 0;
  let problem = null as "nul" | "deep" | null;
  const enterValue = () => {
    if (++depth > maxDepth) {
      problem = "deep";
      return BREAK;
    }
    return undefined;
  };
  const leaveValue = () => void depth--;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes("\0")) {
        problem = "nul";
        return BREAK;
      }
      return undefined;
    },
    [Kind.OBJECT]: { enter: enterValue, leave: leaveValue },
    [Kind.LIST]: { enter: enterValue, leave: leaveValue },
  });
  return problem;
}
