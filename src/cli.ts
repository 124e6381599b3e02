/**
 * npm run cli -- <command>
 *   create-user --email E [--staff]   create a user and an API token; prints one line of JSON
 *   issue-token --email E             a new API token for an existing user
 *   revoke-token --token T            revoke an API token
 * Works on a fresh database (applies pending migrations first). An embedded database belongs to
 * one process: while a server holds it, the CLI says so and exits 1, touching nothing.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.js";
import { createPrisma, openDatabase } from "./db/database.js";
import { DataDirInUseError } from "./db/embedded.js";
import { migrateDeploy } from "./db/schema-engine.js";
import { checkEmail, InputError } from "./orders/order.validation.js";
import {
  createUser,
  findUserByEmail,
  issueApiToken,
  revokeApiToken,
  UserExistsError,
} from "./users/user.repository.js";

const USAGE = `usage:
  npm run cli -- create-user --email E [--staff]
  npm run cli -- issue-token --email E
  npm run cli -- revoke-token --token T`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: "string" }, staff: { type: "boolean", default: false }, token: { type: "string" } },
    strict: true,
  });
  if (!["create-user", "issue-token", "revoke-token"].includes(command ?? ""))
    throw new UsageError(command ? `unknown command "${command}"` : "no command");
  if (command !== "revoke-token" && !values.email) throw new UsageError("--email is required");
  if (command === "revoke-token" && !values.token) throw new UsageError("--token is required");
  const email = values.email ? checkEmail(values.email, "--email").toLowerCase() : "";

  const config = loadConfig();
  const db = await openDatabase(config.database, { poolMax: 2 });
  try {
    await migrateDeploy(db);
    const prisma = createPrisma(db);
    try {
      switch (command) {
        case "create-user": {
          const user = await createUser(prisma, email, values.staff ?? false);
          const token = await issueApiToken(prisma, user.id);
          console.log(JSON.stringify({ id: String(user.id), email: user.email, isStaff: user.isStaff, token }));
          return 0;
        }
        case "issue-token": {
          const user = await findUserByEmail(prisma, email);
          if (!user) {
            console.error(`No user has the email ${email}.`);
            return 1;
          }
          const token = await issueApiToken(prisma, user.id);
          console.log(JSON.stringify({ id: String(user.id), email: user.email, isStaff: user.isStaff, token }));
          return 0;
        }
        default: {
          const revoked = await revokeApiToken(prisma, values.token!);
          if (!revoked) {
            console.error("No live token matches.");
            return 1;
          }
          console.log(JSON.stringify({ revoked: true }));
          return 0;
        }
      }
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await db.close();
  }
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
      e instanceof UserExistsError ||
      e instanceof InputError;
    console.error(known ? e.message : `cli failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
