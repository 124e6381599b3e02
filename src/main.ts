/**
 * `npm start` (and `npm run demo`, which adds --demo): load the configuration, start the server,
 * close it cleanly on SIGTERM/SIGINT.
 */

import { ConfigError, DEFAULT_DATA_DIR, loadConfig } from "./config.js";
import type { DatabaseLocation } from "./db/database.js";
import { ensureDemoData, DEMO_CUSTOMERS, DEMO_STAFF } from "./demo.js";
import { DataDirInUseError } from "./db/embedded.js";
import { createServer } from "./server.js";
import { createLogger } from "./shared/log.js";
import { loadOrderRules } from "./orders/rules-loader.js";

async function main(): Promise<void> {
  const demo = process.argv.includes("--demo");
  const config = loadConfig(process.env, demo ? { dataDir: "./data/demo" } : {});
  const log = createLogger(config.logLevel);
  const rules = await loadOrderRules(config.orderRules);
  let made: Awaited<ReturnType<typeof ensureDemoData>> | undefined;
  const server = await createServer(config, {
    logger: log,
    rules,
    tokenCommand: tokenCommand(config.database, demo),
    // The demo's data and tokens exist before the server answers; only the demo's playground starts
    // signed in (as its staff user).
    prepare: demo ? async (s) => void (made = await ensureDemoData(s.prisma, s)) : undefined,
    graphiqlHeaders: demo ? () => made && { Authorization: `Bearer ${made.tokens.staff}` } : undefined,
  });
  handleSignals(server.close);
  if (made) {
    const { created, tokens } = made;
    const demoServer = server;
    const lines = [
      ``,
      `Orders API demo ${created ? "(demo data created)" : "(demo data already there)"} on ${demoServer.db.description}`,
      `  GraphQL:  ${demoServer.url}/graphql`,
      `  GraphiQL: ${demoServer.url}/graphiql   (signed in as ${DEMO_STAFF})`,
      ``,
      `  Tokens (send as "Authorization: Bearer <token>"):`,
      `    staff     ${DEMO_STAFF.padEnd(20)} ${tokens.staff}`,
      ...DEMO_CUSTOMERS.map((e) => `    customer  ${e.padEnd(20)} ${tokens.customers[e]}`),
      ``,
    ];
    process.stdout.write(lines.join("\n") + "\n");
    return;
  }
  log.info(`Orders API listening`, {
    graphql: `${server.url}/graphql`,
    graphiql: `${server.url}/graphiql`,
    database: server.db.description,
  });
}

/** The CLI command that gives a new staff token for this server's database, while the server runs. */
function tokenCommand(database: DatabaseLocation, demo: boolean): string {
  const cli = "npm run -s cli --";
  const args = "create-user --email you@example.com --staff";
  if (demo && database.kind === "embedded" && database.dataDir === "./data/demo") return `${cli} --demo ${args}`;
  if (database.kind === "embedded" && database.dataDir === DEFAULT_DATA_DIR) return `${cli} ${args}`;
  if (database.kind === "embedded") return `DATABASE_URL=file:${database.dataDir} ${cli} ${args}`;
  const u = new URL(database.url);
  u.password = "";
  return `DATABASE_URL=${u.toString()} ${cli} ${args}`;
}

function handleSignals(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: draining requests and closing the database…\n`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    close().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`shutdown failed: ${e instanceof Error ? e.message : e}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((e) => {
  const known = e instanceof ConfigError || e instanceof DataDirInUseError;
  process.stderr.write(
    `${known ? "" : "Failed to start: "}${e instanceof Error ? (known ? e.message : (e.stack ?? e.message)) : String(e)}\n`,
  );
  process.exit(1);
});
