/** The token cache's entries: an LRU by count whose entries expire, and drops that win over reads. */
import { describe, expect, it } from "vitest";
import { TokenLookupCache, type TokenUser } from "../../src/auth/token-cache.js";

const user = (id: number, isStaff = false): TokenUser => ({
  id,
  email: `u${id}@example.com`,
  isStaff,
  lastWriteAt: null,
});
const hash = (n: number) => n.toString(16).padStart(64, "0");

describe("TokenLookupCache", () => {
  it("keeps at most its count, the least recently used out first", () => {
    const c = new TokenLookupCache(60_000, 2);
    c.set(hash(1), user(1), c.generation);
    c.set(hash(2), user(2), c.generation);
    expect(c.get(hash(1))?.id).toBe(1); // 1 is now the most recently used
    c.set(hash(3), user(3), c.generation);
    expect(c.size).toBe(2);
    expect(c.get(hash(2))).toBeUndefined();
    expect(c.get(hash(1))?.id).toBe(1);
    expect(c.get(hash(3))?.id).toBe(3);
  });

  it("forgets an entry once its time is up", () => {
    let now = 1_000;
    const c = new TokenLookupCache(30_000, 10, () => now);
    c.set(hash(1), user(1), c.generation);
    now += 29_999;
    expect(c.get(hash(1))?.id).toBe(1);
    now += 1;
    expect(c.get(hash(1))).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("does not keep a lookup that began before a drop", () => {
    const c = new TokenLookupCache(60_000);
    const before = c.generation;
    c.forgetToken(hash(1)); // announced while the lookup was on its way
    c.set(hash(1), user(1), before);
    expect(c.get(hash(1))).toBeUndefined();
    c.set(hash(1), user(1), c.generation);
    expect(c.get(hash(1))?.id).toBe(1);
  });

  it("applies the triggers' announcements: a token, a user's every token, anything else empties it", () => {
    const c = new TokenLookupCache(60_000);
    for (const [n, id] of [
      [1, 7],
      [2, 7],
      [3, 8],
      [4, 9],
    ])
      c.set(hash(n), user(id), c.generation);
    c.apply(`t:${hash(4)}`);
    expect(c.get(hash(4))).toBeUndefined();
    c.apply("u:7");
    expect([c.get(hash(1)), c.get(hash(2)), c.get(hash(3))?.id]).toEqual([undefined, undefined, 8]);
    c.apply("something new");
    expect(c.size).toBe(0);
  });
});
