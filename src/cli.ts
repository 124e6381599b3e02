/**
 * npm run -s cli -- [--demo] <command>
 *   create-user --email E [--staff]   create a user and an API token; prints one line of JSON
 *   issue-token --email E             a new API token for an existing user
 *   revoke-token --token T            revoke an API token
 * The database is the one DATABASE_URL names (the embedded one in ./data/db by default; --demo: the
 * demo's, ./data/demo). It works on a fresh database (pending migrations are applied first). While
 * a server holds an embedded database (which belongs to one process), the command is sent to that
 * server, which runs it (src/admin/admin-socket.ts).
 */
import { parseArgs } from "node:util";
import { runAdminCommand, sendAdminCommand, type AdminAnswer, type AdminCommand } from "./admin/admin-socket.js";
import { ConfigError, loadConfig } from "./config.js";
import { createPrisma, DatabaseUnreachableError, openDatabase } from "./db/database.js";
import { DataDirInUseError } from "./db/embedded.js";
import { migrateDeploy } from "./db/schema-engine.js";
import { checkEmail, InputError } from "./orders/order.validation.js";

const USAGE = `usage:
  npm run -s cli -- [--demo] create-user --email E [--staff]
  npm run -s cli -- [--demo] issue-token --email E
  npm run -s cli -- [--demo] revoke-token --token T`;

class UsageError extends Error {}

function command(argv: string[]): { command: AdminCommand; demo: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      email: { type: "string" },
      staff: { type: "boolean", default: false },
      token: { type: "string" },
      demo: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [name, ...extra] = positionals;
  if (extra.length) throw new UsageError(`unexpected "${extra.join(" ")}"`);
  const email = () => {
    if (!values.email) throw new UsageError("--email is required");
    return checkEmail(values.email, "--email").toLowerCase();
  };
  switch (name) {
    case "create-user":
      return {
        command: { command: "create-user", email: email(), staff: values.staff ?? false },
        demo: values.demo ?? false,
      };
    case "issue-token":
      return { command: { command: "issue-token", email: email() }, demo: values.demo ?? false };
    case "revoke-token":
      if (!values.token) throw new UsageError("--token is required");
      return { command: { command: "revoke-token", token: values.token }, demo: values.demo ?? false };
    default:
      throw new UsageError(name ? `unknown command "${name}"` : "no command");
  }
}

async function run(c: AdminCommand, demo: boolean): Promise<AdminAnswer> {
  const config = loadConfig(process.env, demo ? { dataDir: "./data/demo" } : {});
  let db;
  try {
    db = await openDatabase(config.database, { poolMax: 2 });
  } catch (e) {
    if (!(e instanceof DataDirInUseError)) throw e;
    // A server holds the embedded database: it runs the command.
    const answer = await sendAdminCommand(e.dataDir, c);
    if (answer) return answer;
    throw e;
  }
  try {
    await migrateDeploy(db);
    const prisma = createPrisma(db);
    try {
      return await runAdminCommand(prisma, c);
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { command: c, demo } = command(argv);
  const answer = await run(c, demo);
  if (!answer.ok) {
    console.error(answer.error);
    return 1;
  }
  console.log(JSON.stringify(answer.result));
  return 0;
}

main(process.argv.slice(2)).then(
  (rc) => process.exit(rc),
  (e) => {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${e.message}\n${USAGE}`);
      process.exit(64);
    }
    const known =
      e instanceof ConfigError ||
      e instanceof DataDirInUseError ||
      e instanceof InputError ||
      e instanceof DatabaseUnreachableError;
    console.error(known ? e.message : `cli failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
