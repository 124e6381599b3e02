/** Global ids: what encodeGlobalId makes decodes back, and nothing else decodes at all. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGlobalId, encodeGlobalId, MAX_GLOBAL_ID_LENGTH } from "../../src/nodes/global-id.js";
import { ROW_ID } from "../../src/nodes/node.registry.js";

const runs = Number(process.env.FUZZ_RUNS ?? 400);
const typeName = fc.stringMatching(/^[A-Z][A-Za-z]{0,31}$/);
const key = fc.stringMatching(/^[!-9;-~]{1,64}$/);

describe("global ids", () => {
  it("are base64url of Type:key, and decode back to their type and key", () => {
    expect(encodeGlobalId("Order", "17")).toBe("T3JkZXI6MTc");
    expect(decodeGlobalId("T3JkZXI6MTc")).toEqual({ typeName: "Order", key: "17" });
    fc.assert(
      fc.property(typeName, key, (t, k) => {
        const id = encodeGlobalId(t, k);
        expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(id.length).toBeLessThanOrEqual(MAX_GLOBAL_ID_LENGTH);
        expect(decodeGlobalId(id)).toEqual({ typeName: t, key: k });
      }),
      { numRuns: runs },
    );
  });

  it("are unique across types: the same key in two types makes two ids", () => {
    fc.assert(
      fc.property(typeName, typeName, key, (a, b, k) => {
        fc.pre(a !== b);
        expect(encodeGlobalId(a, k)).not.toBe(encodeGlobalId(b, k));
      }),
      { numRuns: runs },
    );
  });

  it("decode nothing but what encodeGlobalId makes: any other text is null, never an exception", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.base64String({ maxLength: 200 })), (text) => {
        const decoded = decodeGlobalId(text);
        if (decoded) expect(encodeGlobalId(decoded.typeName, decoded.key)).toBe(text);
      }),
      { numRuns: runs },
    );
    const longest = encodeGlobalId("A".repeat(32), "9".repeat(64));
    expect(longest).toHaveLength(MAX_GLOBAL_ID_LENGTH);
    for (const text of [
      "",
      "T3JkZXI6MTc=", // padded
      "T3JkZXI6MTd", // the same bytes with other trailing bits
      "T3JkZXI6MT c",
      "T3JkZXI+MTc",
      `${longest}A`,
      Buffer.from("Order17").toString("base64url"),
      Buffer.from("order:17").toString("base64url"),
      Buffer.from("Order:1 7").toString("base64url"),
      Buffer.from("Order:1:7").toString("base64url"),
      Buffer.from("Order:\u00e917", "latin1").toString("base64url"),
    ])
      expect(decodeGlobalId(text), text).toBeNull();
  });

  it("row-id keys are positive integers of PostgreSQL's integer, written without leading zeros", () => {
    expect(["1", "17", "2147483647"].map(ROW_ID.parse)).toEqual([1, 17, 2147483647]);
    for (const text of ["0", "-1", "017", "1.0", "1e3", "2147483648", "99999999999", " 1", "0x10"])
      expect(ROW_ID.parse(text), text).toBeNull();
  });
});
