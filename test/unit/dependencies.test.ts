/**
 * Dependencies between the parts of src/ run one way: a folder (orders/, payments/, …) or a
 * top-level file (server.ts, context.ts, …) never imports, directly or through others, one that
 * imports it. Type-only imports count: they are dependencies too.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(__dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** The part of src/ a file belongs to: its top folder ("orders/"), or itself when at the top ("server.ts"). */
function partOf(file: string): string | null {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel[0] === ".." || rel[0] === "generated") return null;
  return rel.length === 1 ? rel[0] : `${rel[0]}/`;
}

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/** part → the parts it imports from. */
export function dependencyGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = partOf(file)!;
    const deps = graph.get(from) ?? new Set<string>();
    graph.set(from, deps);
    for (const m of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), m[1].replace(/\.js$/, ".ts"));
      const to = partOf(target);
      if (to && to !== from) deps.add(to);
    }
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan): each is a cycle. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return out;
}

describe("dependencies in src/", () => {
  it("run one way: no folder or top-level file imports one that imports it", () => {
    const graph = dependencyGraph();
    const found = cycles(graph).map((scc) =>
      scc.map((v) => `${v} → ${[...graph.get(v)!].filter((w) => scc.includes(w)).join(", ")}`).join("; "),
    );
    expect(found).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const g = new Map([
      ["a/", new Set(["b/"])],
      ["b/", new Set(["c/"])],
      ["c/", new Set(["a/"])],
      ["d/", new Set(["a/"])],
    ]);
    expect(cycles(g)).toEqual([["a/", "b/", "c/"]]);
  });
});
