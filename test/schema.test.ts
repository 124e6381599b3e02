import fs from "node:fs";
import path from "node:path";
import {
  buildSchema,
  findBreakingChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from "graphql";
import { describe, expect, it } from "vitest";
import { createSchema, printSchemaFile } from "../src/schema.js";

const root = path.resolve(__dirname, "..");
const committed = fs.readFileSync(path.join(root, "schema.graphql"), "utf8");
/** The public contract, as the project keeps a copy of it. */
const contract = buildSchema(fs.readFileSync(path.join(root, "test", "contract.graphql"), "utf8"));

/** Every description in a schema, by coordinate ("Type", "Type.field", "Type.field(arg)", "Enum.VALUE"). */
function descriptions(s: GraphQLSchema): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [name, type] of Object.entries(s.getTypeMap())) {
    if (name.startsWith("__")) continue;
    out.set(name, type.description ?? null);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const f of Object.values(type.getFields())) {
        out.set(`${name}.${f.name}`, f.description ?? null);
        for (const a of f.args) out.set(`${name}.${f.name}(${a.name})`, a.description ?? null);
      }
    }
    if (isInputObjectType(type))
      for (const f of Object.values(type.getFields())) out.set(`${name}.${f.name}`, f.description ?? null);
    if (isEnumType(type)) for (const v of type.getValues()) out.set(`${name}.${v.name}`, v.description ?? null);
  }
  return out;
}

describe("schema.graphql", () => {
  it("is what the code emits (run `npm run build` after changing the schema)", () => {
    expect(committed).toBe(printSchemaFile(createSchema()));
  });

  it("keeps every name of the public contract (no breaking change)", () => {
    expect(findBreakingChanges(contract, buildSchema(committed))).toEqual([]);
  });

  it("keeps every description of the public contract, word for word (a paragraph may follow it)", () => {
    const emitted = descriptions(buildSchema(committed));
    const kept = (text: string | null, now: string | null | undefined) =>
      now === text || (text !== null && !!now?.startsWith(`${text}\n\n`));
    const differences = [...descriptions(contract)]
      .filter(([coordinate, text]) => !kept(text, emitted.get(coordinate)))
      .map(([coordinate, text]) => ({ coordinate, contract: text, emitted: emitted.get(coordinate) }));
    expect(differences).toEqual([]);
  });
});
