import fs from "node:fs";
import path from "node:path";
import { buildSchema, findBreakingChanges } from "graphql";
import { describe, expect, it } from "vitest";
import { createSchema, printSchemaFile } from "../src/schema.js";

const root = path.resolve(__dirname, "..");
const committed = fs.readFileSync(path.join(root, "schema.graphql"), "utf8");
const contractFile = path.join(root, "test", "contract.graphql");

describe("schema.graphql", () => {
  it("is what the code emits (run `npm run build` after changing the schema)", () => {
    expect(committed).toBe(printSchemaFile(createSchema()));
  });

  it("keeps every name of the public contract (no breaking change)", () => {
    const contract = buildSchema(fs.readFileSync(contractFile, "utf8"));
    expect(findBreakingChanges(contract, buildSchema(committed))).toEqual([]);
  });
});
