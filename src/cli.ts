/**
 * npm run -s cli -- [--demo] <command>: users and API tokens (HELP below says it all). The
 * database is the one DATABASE_URL names (the embedded one in ./data/db by default; --demo: the
 * demo's, ./data/demo), fresh ones too (pending migrations are applied first). While a server
 * holds an embedded database (which belongs to one process), the command is sent to that server,
 * which runs it (src/admin/admin-socket.ts). Every command says on stderr which database it used.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { runAdminCommand, sendAdminCommand, type AdminAnswer, type AdminCommand } from "./admin/admin-socket.js";
import { ConfigError, DEFAULT_DATA_DIR, loadConfig } from "./config.js";
import {
  createPrisma,
  DatabaseUnreachableError,
  describeLocation,
  openDatabase,
  type DatabaseLocation,
} from "./db/database.js";
import { dataDirHolder, DataDirInUseError } from "./db/embedded.js";
import { migrateDeploy } from "./db/schema-engine.js";
import { checkEmail, InputError } from "./orders/order.validation.js";

/** Where `npm run demo` keeps its data (main.ts passes the same folder). */
const DEMO_DATA_DIR = "./data/demo";

const HELP = `Orders API command line: users and API tokens.

usage: npm run -s cli -- [--demo] <command> [options]

commands:
  create-user --email E [--staff]   create a user and an API token for it
  issue-token --email E             another API token for an existing user
  revoke-token --token T            revoke an API token
  help                              this text (also -h, --help)

options:
  --demo       use the demo's database (${DEMO_DATA_DIR}), the one \`npm run demo\` serves
  --email E    the user's email address
  --staff      the new user is staff: sees and changes every order
  --token T    the API token to revoke
  -h, --help   this text

The database is DATABASE_URL's, as for the server (unset: the embedded one in ${DEFAULT_DATA_DIR};
with --demo: ${DEMO_DATA_DIR}). While a server holds an embedded database, that server runs the
command, so a new token works on it at once. Given neither DATABASE_URL nor --demo while the demo
runs and ${DEFAULT_DATA_DIR} was never made, the command goes to the demo. A new database is made
and migrated. Each command says on stderr which database it used.

Prints one line of JSON on stdout, e.g.
  {"id":"1","email":"you@example.com","isStaff":true,"token":"oat_…"}
Errors go to stderr, with exit code 1 (64 for a mistake in the command line).`;

class UsageError extends Error {}

type Parsed = { help: true } | { help: false; command: AdminCommand; demo: boolean };

function parse(argv: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      email: { type: "string" },
      staff: { type: "boolean", default: false },
      token: { type: "string" },
      demo: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [name, ...extra] = positionals;
  if (values.help || name === "help") return { help: true };
  if (extra.length) throw new UsageError(`unexpected "${extra.join(" ")}"`);
  const demo = values.demo ?? false;
  const email = () => {
    if (!values.email) throw new UsageError("--email is required");
    return checkEmail(values.email, "--email").toLowerCase();
  };
  switch (name) {
    case "create-user":
      return { help: false, command: { command: "create-user", email: email(), staff: values.staff ?? false }, demo };
    case "issue-token":
      return { help: false, command: { command: "issue-token", email: email() }, demo };
    case "revoke-token":
      if (!values.token) throw new UsageError("--token is required");
      return { help: false, command: { command: "revoke-token", token: values.token }, demo };
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

/** Whether an embedded database has been made in `dir` (initdb writes PG_VERSION first). */
const exists = (dir: string) => fs.existsSync(path.join(dir, "PG_VERSION"));

/**
 * The database a command works on, and a note for stderr when it is not the obvious one. Named
 * (DATABASE_URL, --demo): that one. Not named: the default, unless the demo is running and the
 * default database was never made; then the command would make a new, empty database whose
 * tokens the running demo refuses, which is never what was meant.
 */
function chooseDatabase(demo: boolean): { location: DatabaseLocation; note?: string } {
  const config = loadConfig(process.env, demo ? { dataDir: DEMO_DATA_DIR } : {});
  const named = demo || !!process.env.DATABASE_URL?.trim();
  if (named || dataDirHolder(DEFAULT_DATA_DIR) !== null) return { location: config.database };
  const demoServer = dataDirHolder(DEMO_DATA_DIR);
  if (demoServer === null) return { location: config.database };
  if (!exists(DEFAULT_DATA_DIR)) {
    return {
      location: { kind: "embedded", dataDir: DEMO_DATA_DIR },
      note: `note: no database named and the demo is running (pid ${demoServer}): using the demo's database, as --demo would; set DATABASE_URL=file:${DEFAULT_DATA_DIR} for the default one.`,
    };
  }
  return {
    location: config.database,
    note: `warning: this command used the default database ${DEFAULT_DATA_DIR}, not the running demo's (${DEMO_DATA_DIR}, pid ${demoServer}), which will not know this user or token. For the demo, add --demo.`,
  };
}

async function run(c: AdminCommand, location: DatabaseLocation): Promise<{ answer: AdminAnswer; how: string }> {
  const fresh = location.kind === "embedded" && !exists(location.dataDir);
  let db;
  try {
    db = await openDatabase(location, { poolMax: 2 });
  } catch (e) {
    if (!(e instanceof DataDirInUseError)) throw e;
    // A server holds the embedded database: it runs the command.
    const answer = await sendAdminCommand(e.dataDir, c);
    if (answer) return { answer, how: `run by the server holding it, pid ${e.pid}` };
    throw e;
  }
  try {
    await migrateDeploy(db);
    const prisma = createPrisma(db);
    try {
      return { answer: await runAdminCommand(prisma, c), how: fresh ? "new: made by this command" : "" };
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parse(argv);
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const { location, note } = chooseDatabase(parsed.demo);
  if (note) console.error(note);
  const { answer, how } = await run(parsed.command, location);
  console.error(`database: ${describeLocation(location)}${how ? ` (${how})` : ""}`);
  if (!answer.ok) {
    console.error(answer.error);
    return 1;
  }
  console.log(JSON.stringify(answer.result));
  return 0;
}

if (process.argv.length <= 2) {
  // No command at all: the help, as an error (nothing was done).
  console.error(HELP);
  process.exit(64);
}

main(process.argv.slice(2)).then(
  (rc) => process.exit(rc),
  (e) => {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${e.message}\n(npm run -s cli -- --help lists the commands and options)`);
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
