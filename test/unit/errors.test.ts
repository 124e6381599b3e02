/**
 * One error vocabulary: every code written once, one factory whose errors formatError lets
 * through, and nothing else let through, whatever code it carries; the same on both executors.
 */
import fs from "node:fs";
import path from "node:path";
import { ApolloServer } from "@apollo/server";
import { GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { describe, expect, it } from "vitest";
import { formatError, MASKED_MESSAGE } from "../../src/http/format-error.js";
import { jitGateway } from "../../src/http/jit-executor.js";
import { ErrorCode, ThrownCode } from "../../src/shared/error-codes.js";
import { publicError } from "../../src/shared/errors.js";
import { createLogger } from "../../src/shared/log.js";

const SRC = path.resolve(__dirname, "../../src");
const files = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? (e.name === "generated" ? [] : files(p)) : p.endsWith(".ts") ? [p] : [];
  });

describe("the error vocabulary", () => {
  it("writes each code once: no other file spells one out", () => {
    const codes = [...Object.keys(ErrorCode), ...Object.keys(ThrownCode)];
    const spelled = files(SRC)
      .filter((f) => !f.endsWith(path.join("shared", "error-codes.ts")))
      .flatMap((f) => {
        const text = fs.readFileSync(f, "utf8");
        return codes.filter((c) => text.includes(`"${c}"`)).map((c) => `${path.relative(SRC, f)}: "${c}"`);
      });
    expect(spelled).toEqual([]);
  });

  const lines: string[] = [];
  const log = createLogger("debug", { write: (l) => lines.push(l) });
  const format = (e: GraphQLError) =>
    formatError(e.toJSON(), e, { log, request: { requestId: "r-1", operation: "Op" } });

  it("lets an error made by the factory through, with any code, and masks one made otherwise", () => {
    const dropped = publicError(ThrownCode.EVENTS_DROPPED, "Events were dropped.");
    expect(format(dropped)).toMatchObject({ message: "Events were dropped.", extensions: { code: "EVENTS_DROPPED" } });
    // A resolver's own GraphQLError that names a public code is still not public: it was not made to be read.
    const made = new GraphQLError("secret: row 42 of table users", {
      path: ["order"],
      extensions: { code: "FORBIDDEN" },
    });
    lines.length = 0;
    expect(format(made)).toEqual({
      message: MASKED_MESSAGE,
      path: ["order"],
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "r-1" },
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: "error",
      msg: "unexpected error",
      requestId: "r-1",
      operation: "Op",
      path: ["order"],
    });
  });

  it("finds a factory error or a database outage inside what an executor wraps it in", () => {
    const wrapped = new GraphQLError("x", {
      path: ["a"],
      originalError: publicError(ThrownCode.NOT_FOUND, "No order."),
    });
    expect(format(wrapped).extensions?.code).toBe("NOT_FOUND");
    const down = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: "P1001" });
    const outer = new GraphQLError(down.message, { path: ["orders"], originalError: down });
    expect(format(outer)).toMatchObject({ path: ["orders"], extensions: { code: "SERVICE_UNAVAILABLE" } });
  });
});

describe("errors of graphql-jit, through Apollo", () => {
  const down = () => Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: "P1001" });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: "Query",
      fields: {
        outage: { type: GraphQLString, resolve: () => Promise.reject(down()) },
        bug: { type: GraphQLString, resolve: () => Promise.reject(new TypeError("cannot read 'x' of undefined")) },
        refused: { type: GraphQLString, resolve: () => Promise.reject(publicError(ThrownCode.NOT_FOUND, "No order.")) },
      },
    }),
  });

  it("reach formatError: an outage is SERVICE_UNAVAILABLE, a bug masked with a request id, a refusal as it is", async () => {
    const lines: string[] = [];
    const log = createLogger("debug", { write: (l) => lines.push(l) });
    const apollo = new ApolloServer({
      gateway: jitGateway(schema),
      formatError: (formatted, error) => formatError(formatted, error, { log }),
    });
    await apollo.start();
    try {
      const r = await apollo.executeOperation({ query: "query Q { outage bug refused }" });
      const errors = r.body.kind === "single" ? r.body.singleResult.errors : undefined;
      const byPath = Object.fromEntries((errors ?? []).map((e) => [String(e.path), e]));
      expect(byPath.outage).toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE" } });
      expect(byPath.bug).toMatchObject({ message: MASKED_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR" } });
      expect(typeof byPath.bug.extensions?.requestId).toBe("string");
      expect(byPath.refused).toMatchObject({ message: "No order.", extensions: { code: "NOT_FOUND" } });
      expect(lines.filter((l) => l.includes("unexpected error"))).toHaveLength(1);
      expect(lines.find((l) => l.includes("unexpected error"))).toContain(String(byPath.bug.extensions?.requestId));
    } finally {
      await apollo.stop();
    }
  });
});
