/**
 * The worked example of the client kit (examples/storefront), as its README and the kit's say: its
 * operations typed by GraphQL Code Generator's client preset, compiled with tsc, and run against a
 * real server: a customer lists their orders, pays one, and reads a refusal through ErrorResult.
 * And client/codegen.yml, copied into a project with schema.graphql as README says, types the
 * same code.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateOrderDocument, RecordOrderPaymentDocument } from "../generated/graphql.js";
import { orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import { root, runCommand } from "../helpers/processes.js";

const example = path.join(root, "examples", "storefront");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

/** Runs codegen, then tsc, in a project folder; fails the test with their output otherwise. */
async function codegenAndCompile(cwd: string, tscArgs: string[]): Promise<void> {
  const generated = await runCommand(bin("graphql-codegen"), ["--config", "codegen.yml", "--silent"], { cwd });
  expect(generated.code, generated.stdout + generated.stderr).toBe(0);
  const compiled = await runCommand(bin("tsc"), ["-p", "tsconfig.json", ...tscArgs], { cwd });
  expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
}

describe("the storefront example", { timeout: 180_000 }, () => {
  let t: TestServer;
  let customer: { id: string; token: string };
  let unpaid: string;
  let paid: string;
  const tmp: string[] = [];

  beforeAll(async () => {
    t = await startTestServer("embedded");
    const staff = await t.user("staff@example.com", { staff: true });
    customer = await t.user("alice@example.com");
    const order = async () =>
      (
        (
          await t.ok(
            CreateOrderDocument,
            { input: orderInput({ email: "alice@example.com", userId: customer.id }) as never },
            { token: staff.token },
          )
        ).createOrder as { ref: string }
      ).ref;
    paid = await order();
    unpaid = await order();
    const recorded = await t.ok(
      RecordOrderPaymentDocument,
      { ref: paid, input: { amount: "33.00", transactionId: "t-1", paymentMethod: "pay-in-advance" } },
      { token: staff.token },
    );
    expect(recorded.recordOrderPayment).toMatchObject({ isPaid: true });
  });
  afterAll(async () => {
    await t?.close();
    for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  });

  const storefront = (args: string[], token = customer.token) =>
    runCommand(process.execPath, [path.join(example, "dist", "storefront.js"), ...args], {
      env: { ORDERS_API_URL: `${t.url}/graphql`, ORDERS_API_TOKEN: token },
    });

  it("reads its schema from this repository, and is otherwise the client kit's config", () => {
    const config = (file: string) =>
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l.trim() && !l.trimStart().startsWith("#"));
    const kit = config(path.join(root, "client", "codegen.yml"));
    const own = config(path.join(example, "codegen.yml"));
    expect(own).toEqual(kit.map((l) => (l === "schema: schema.graphql" ? "schema: ../../schema.graphql" : l)));
  });

  it("compiles, and lists my orders, pays one and reads a refusal against a running server", async () => {
    await codegenAndCompile(example, []);

    const listed = await storefront([]);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split("\n");
    expect(lines[0]).toBe("2 orders");
    expect(lines.find((l) => l.startsWith(paid))).toMatch(/ Created +33\.00 USD {2}paid$/);
    expect(lines.find((l) => l.startsWith(unpaid))).toMatch(
      / Created +33\.00 USD {2}outstanding 33\.00 {2}pay with: credit-card, pay-in-advance, dummy$/,
    );

    const payment = await storefront(["pay", unpaid, "credit-card"]);
    expect(payment.code, payment.stderr).toBe(0);
    expect(payment.stdout).toMatch(
      new RegExp(`^pay ${unpaid} with credit-card at ${t.url}/payment/credit-card/${unpaid}\\?token=\\S+\\n$`),
    );

    const refused = await storefront(["pay", paid]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("refused (ORDER_ALREADY_PAID_ERROR): This order has already been paid for.\n");

    const stranger = await storefront([], "oat_not-a-token");
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toBe("UNAUTHENTICATED: Invalid or revoked API token.\n");
  });

  it("client/codegen.yml, copied with schema.graphql as README says, types the example's code", async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "orders-client-kit-"));
    tmp.push(project);
    fs.symlinkSync(path.join(root, "node_modules"), path.join(project, "node_modules"), "dir");
    fs.copyFileSync(path.join(root, "client", "codegen.yml"), path.join(project, "codegen.yml"));
    fs.copyFileSync(path.join(root, "schema.graphql"), path.join(project, "schema.graphql"));
    fs.copyFileSync(path.join(example, "tsconfig.json"), path.join(project, "tsconfig.json"));
    fs.mkdirSync(path.join(project, "src"));
    for (const f of ["client.ts", "operations.ts", "storefront.ts"])
      fs.copyFileSync(path.join(example, "src", f), path.join(project, "src", f));
    await codegenAndCompile(project, ["--noEmit"]);
    // graphql() of a document codegen has not read is `unknown`: the typed client refuses it.
    fs.writeFileSync(
      path.join(project, "src", "later.ts"),
      'import { createClient } from "./client";\nimport { graphql } from "./gql";\n' +
        'const Last = graphql(`query Last { lastOrder { ref } }`);\nvoid createClient("")(Last);\n',
    );
    const stale = await runCommand(bin("tsc"), ["-p", "tsconfig.json", "--noEmit"], { cwd: project });
    expect(stale.code).not.toBe(0);
    expect(stale.stdout).toMatch(/src\/later\.ts.*error TS\d+/);
    await codegenAndCompile(project, ["--noEmit"]);
  });
});
