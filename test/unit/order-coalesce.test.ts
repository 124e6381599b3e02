/**
 * ReadCoalescer (src/orders/order.coalesce.ts): reads of the same shape asked for in one turn of the
 * event loop share one readMany; each gets the row of its own ref; a failure reaches every read of
 * the turn and no other.
 */
import { describe, expect, it } from "vitest";
import { MAX_SHARED, ReadCoalescer } from "../../src/orders/order.coalesce.js";

type Row = { ref: string; n: number };

function source() {
  const calls: string[][] = [];
  const readMany = async (refs: string[]): Promise<Row[]> => {
    calls.push(refs);
    if (refs.includes("boom")) throw new Error("database gone");
    return refs.filter((r) => r !== "missing").map((ref, n) => ({ ref, n }));
  };
  return { calls, readMany };
}

describe("ReadCoalescer", () => {
  it("sends the reads of one turn and one shape as one statement, each answered with its own row", async () => {
    const reads = new ReadCoalescer<Row>();
    const { calls, readMany } = source();
    const answers = await Promise.all(
      ["a", "b", "a", "missing"].map((ref) => reads.read("shape", ref, readMany, (r) => r.ref)),
    );
    expect(calls).toEqual([["a", "b", "missing"]]);
    expect(answers.map((r) => r?.ref)).toEqual(["a", "b", "a", undefined]);
  });

  it("keeps shapes apart, and reads of a later turn in a statement of their own", async () => {
    const reads = new ReadCoalescer<Row>();
    const { calls, readMany } = source();
    await Promise.all([reads.read("x", "a", readMany, (r) => r.ref), reads.read("y", "a", readMany, (r) => r.ref)]);
    await reads.read("x", "b", readMany, (r) => r.ref);
    expect(calls).toEqual([["a"], ["a"], ["b"]]);
  });

  it("fails every read of a turn whose statement fails, and only those", async () => {
    const reads = new ReadCoalescer<Row>();
    const { readMany } = source();
    const failed = await Promise.allSettled([
      reads.read("s", "boom", readMany, (r) => r.ref),
      reads.read("s", "a", readMany, (r) => r.ref),
    ]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((await reads.read("s", "a", readMany, (r) => r.ref))?.ref).toBe("a");
  });

  it("reads at most MAX_SHARED refs in one statement", async () => {
    const reads = new ReadCoalescer<Row>();
    const { calls, readMany } = source();
    const refs = Array.from({ length: MAX_SHARED * 2 + 1 }, (_, i) => `r${i}`);
    const answers = await Promise.all(refs.map((ref) => reads.read("s", ref, readMany, (r) => r.ref)));
    expect(calls.map((c) => c.length)).toEqual([MAX_SHARED, MAX_SHARED, 1]);
    expect(answers.map((r) => r?.ref)).toEqual(refs);
  });

  it("sends each read alone, at once, when off", async () => {
    const reads = new ReadCoalescer<Row>(false);
    const { calls, readMany } = source();
    await Promise.all(["a", "b"].map((ref) => reads.read("s", ref, readMany, (r) => r.ref)));
    expect(calls).toEqual([["a"], ["b"]]);
  });
});
