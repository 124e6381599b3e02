/**
 * Field resolvers take their parent by its shape (a Pick, a record type), never by a class: type-graphql
 * copies a root whose parameter type is a class into a fresh instance of it on every call, when the
 * value is not one already, and our records are plain objects (a page of 100 orders would copy every
 * order once per field resolver).
 */
import "reflect-metadata";
import { getMetadataStorage, Root } from "type-graphql";
import { describe, expect, it } from "vitest";
import { createSchema } from "../../src/schema.js";

/** "Resolver.method" of every root parameter whose declared type is a class, with that class. */
function classTypedRoots(targets?: (t: Function) => boolean): string[] {
  const out: string[] = [];
  for (const p of getMetadataStorage().params) {
    if (p.kind !== "root" || !p.getType || (targets && !targets(p.target))) continue;
    const type = p.getType();
    if (typeof type === "function" && type !== Object) out.push(`${p.target.name}.${p.methodName}: ${type.name}`);
  }
  return out;
}

class Probe {
  id = 1;
}

class ProbeResolver {
  field(@Root() probe: Probe): number {
    return probe.id;
  }
}

describe("root parameters", () => {
  it("are seen with their declared class when one is used (the check below can fail)", () => {
    expect(classTypedRoots((t) => t === ProbeResolver)).toEqual(["ProbeResolver.field: Probe"]);
  });

  it("of the schema's resolvers are typed by shape, so type-graphql hands over the record itself", () => {
    createSchema();
    const ours = getMetadataStorage().params.filter((p) => p.kind === "root" && p.target !== ProbeResolver);
    expect(ours.length).toBeGreaterThan(30);
    expect(classTypedRoots((t) => t !== ProbeResolver)).toEqual([]);
  });
});
