/**
 * `npm start` (and `npm run demo`, which adds --demo): load the configuration, start the server,
 * close it cleanly on SIGTERM/SIGINT.
 */

// First: tracing, when it is on, patches the modules the others load.
import { tracing } from "./telemetry/boot.js";
import { ConfigError, DEFAULT_DATA_DIR, loadConfig } from "./config.js";
import { DatabaseUnreachableError, type DatabaseLocation } from "./db/database.js";
import { ensureDemoData, DEMO_CUSTOMERS, DEMO_STAFF } from "./demo.js";
import { DataDirInUseError } from "./db/embedded.js";
import { createServer, type RunningServer } from "./server.js";
import { createLogger } from "./shared/log.js";
import { loadOrderRules } from "./orders/rules-loader.js";

async function main(): Promise<void> {
  const demo = process.argv.includes("--demo");
  // Logs read as lines for a person at a terminal and in the demo; JSON otherwise (LOG_FORMAT).
  const terminal = demo || process.stderr.isTTY === true;
  const config = loadConfig(process.env, demo ? { dataDir: "./data/demo", terminal } : { terminal });
  const log = createLogger(config.logLevel, {
    format: config.logFormat,
    // With tracing on, every line written inside a traced request names its trace.
    mixin: traceIds(),
  });
  const rules = await loadOrderRules(config.orderRules);
  let made: Awaited<ReturnType<typeof ensureDemoData>> | undefined;
  const server = await createServer(config, {
    logger: log,
    tracing,
    rules,
    tokenCommand: tokenCommand(config.database, demo),
    // The demo's data and tokens exist before the server answers; only the demo's playground starts
    // signed in (as its staff user).
    prepare: demo ? async (s) => void (made = await ensureDemoData(s.prisma, s)) : undefined,
    graphiqlHeaders: demo ? () => made && { Authorization: `Bearer ${made.tokens.staff}` } : undefined,
  });
  handleSignals(server);
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

/** With tracing on, the trace id for each log line written inside a traced request. */
function traceIds(): (() => Record<string, unknown>) | undefined {
  const t = tracing;
  return t && (() => ({ traceId: t.traceId() }));
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

function handleSignals(server: RunningServer): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: draining requests and closing the database…\n`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server
      .close()
      .then(() =>
        tracing?.shutdown().then(
          () => true,
          () => false,
        ),
      )
      .then(
        (traces) => {
          process.stderr.write(
            `stopped: requests drained, WebSocket connections closed, webhook attempts finished, database closed (${server.db.description})${traces === undefined ? "" : traces ? "; traces sent" : "; traces could not be sent"}\n`,
          );
          process.exit(0);
        },
        (e) => {
          process.stderr.write(`shutdown failed: ${e instanceof Error ? e.message : e}\n`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/**
 * Why the server did not start: one line without a stack trace when the cause is known (the
 * configuration, the database, the port), so that it reads as what to do; the stack of anything else.
 */
function startupFailure(e: unknown): string {
  if (e instanceof ConfigError || e instanceof DataDirInUseError || e instanceof DatabaseUnreachableError)
    return e.message;
  const { code, syscall, address, port } = (e ?? {}) as NodeJS.ErrnoException & { address?: string; port?: number };
  const command = process.argv.includes("--demo") ? "npm run demo" : "npm start";
  switch (syscall === "listen" ? code : undefined) {
    case "EADDRINUSE":
      return `Port ${port} on ${address} is already in use (another program, or this server started earlier). Stop it, or choose another port: PORT=${Number(port) + 1} ${command} (PORT=0 picks a free one).`;
    case "EACCES":
      return `Not allowed to listen on port ${port} of ${address} (ports below 1024 need privileges): set PORT to 1024 or above.`;
    case "EADDRNOTAVAIL":
      return `HOST=${address} is not an address of this machine: set HOST to one that is (127.0.0.1, or 0.0.0.0 for all).`;
  }
  return `Failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}

main().catch((e) => {
  process.stderr.write(`${startupFailure(e)}\n`);
  process.exit(1);
});
