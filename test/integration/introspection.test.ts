/**
 * The introspection queries real tools send pass the server's limits (graphql-js's with every
 * option, GraphiQL's, an Apollo rover-style one), and graphql-codegen pointed at the server's URL
 * generates a typed client, as a client team would run it. Ordinary queries keep their limits.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { root, runCommand } from "../helpers/processes.js";

const TYPE_REF = (depth: number): string => (depth === 0 ? "kind name" : `kind name ofType { ${TYPE_REF(depth - 1)} }`);
/** The shape of Apollo rover's `graph introspect` query: full types, type references 7 deep. */
const ROVER_STYLE = `query GraphIntrospectQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { ${TYPE_REF(7)} }`;

const TOOLS: [string, string][] = [
  ["graphql-js getIntrospectionQuery()", getIntrospectionQuery()],
  [
    "graphql-js getIntrospectionQuery() with every option",
    getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    }),
  ],
  [
    "GraphiQL's (schemaDescription, inputValueDeprecation)",
    getIntrospectionQuery({ schemaDescription: true, inputValueDeprecation: true }),
  ],
  ["Apollo rover-style", ROVER_STYLE],
];

async function post(t: TestServer, query: string, token?: string) {
  const res = await fetch(`${t.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      data?: IntrospectionQuery;
      errors?: { message: string; extensions?: { code?: string } }[];
    },
  };
}

describe("introspection by real tools", () => {
  let t: TestServer;
  let prod: TestServer;
  let staffToken: string;
  beforeAll(async () => {
    t = await startTestServer("embedded");
    prod = await startTestServer("embedded", { env: { NODE_ENV: "production" } });
    staffToken = (await prod.user("staff@example.com", { staff: true })).token;
  });
  afterAll(async () => {
    await t?.close();
    await prod?.close();
  });

  it.each(TOOLS)("%s passes the limits and describes the whole schema", async (_tool, query) => {
    const r = await post(t, query);
    expect(r.body.errors).toBeUndefined();
    expect(r.status).toBe(200);
    const schema = buildClientSchema(r.body.data!);
    expect(Object.keys(schema.getQueryType()!.getFields())).toContain("allOrders");
    expect(schema.getSubscriptionType()?.name).toBe("Subscription");
  });

  it.each(TOOLS)("%s: in production, for staff only", async (_tool, query) => {
    const staff = await post(prod, query, staffToken);
    expect(staff.body.errors).toBeUndefined();
    const anonymous = await post(prod, query);
    expect(anonymous.body.errors?.[0]).toMatchObject({
      message: "Introspection is for staff on this server.",
      extensions: { code: "FORBIDDEN" },
    });
  });

  it("graphql-codegen pointed at the server's URL generates a typed client", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-codegen-"));
    try {
      fs.writeFileSync(
        path.join(dir, "op.graphql"),
        "query Latest { lastOrder { ref total history { nodes { type } } } }\n",
      );
      fs.writeFileSync(
        path.join(dir, "codegen.yml"),
        [
          `schema: ${t.url}/graphql`,
          `documents: ${path.join(dir, "op.graphql")}`,
          "generates:",
          `  ${path.join(dir, "out")}/:`,
          "    preset: client",
          "    config:",
          "      scalars: { Decimal: string, DateTimeISO: string, JSONObject: Record<string, unknown> }",
          "",
        ].join("\n"),
      );
      // The project's own codegen install (its presets resolve from the working folder).
      const bin = path.join(root, "node_modules", ".bin", "graphql-codegen");
      const r = await runCommand(bin, ["--config", path.join(dir, "codegen.yml")], { cwd: root });
      if (r.code !== 0) throw new Error(`graphql-codegen failed:\n${r.stdout}\n${r.stderr}`);
      const generated = fs.readFileSync(path.join(dir, "out", "graphql.ts"), "utf8");
      expect(generated).toContain("LatestDocument");
      expect(generated).toMatch(/total: string/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the schema served is the one committed", async () => {
    const r = await post(t, getIntrospectionQuery({ descriptions: true }));
    const served = printSchema(buildClientSchema(r.body.data!));
    const committed = fs.readFileSync(path.join(root, "schema.graphql"), "utf8");
    expect(committed).toContain(served.split("\n").find((l) => l.startsWith("type Query"))!);
  });
});
