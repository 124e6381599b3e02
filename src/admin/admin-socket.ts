/**
 * The user and token commands of the CLI, served by a running server whose embedded database the
 * CLI cannot open (an embedded database belongs to one process). A Unix socket in the data folder,
 * `admin.sock`, that only the user running the server may connect to: one JSON line in, one out.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { ApiTokenCache } from "../auth/token-cache.js";
import { hashApiToken } from "../auth/tokens.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { createUser, findUserByEmail, issueApiToken, revokeApiToken } from "../users/user.repository.js";
import type { Logger } from "../shared/log.js";

export const ADMIN_SOCKET = "admin.sock";

export type AdminCommand =
  | { command: "create-user"; email: string; staff: boolean }
  | { command: "issue-token"; email: string }
  | { command: "revoke-token"; token: string };

/** What a command answers: its JSON line for stdout, or the error for stderr (and the exit code 1). */
export type AdminAnswer = { ok: true; result: Record<string, unknown> } | { ok: false; error: string };

/**
 * Runs a command on the database; the CLI runs the same function when it holds the database itself.
 * A token revoked through a server is dropped from its token cache before the answer (other
 * servers drop it when they hear the change's announcement).
 */
export async function runAdminCommand(
  prisma: PrismaClient,
  c: AdminCommand,
  tokens?: ApiTokenCache,
): Promise<AdminAnswer> {
  try {
    switch (c.command) {
      case "create-user": {
        const user = await createUser(prisma, c.email, c.staff);
        const token = await issueApiToken(prisma, user.id);
        return { ok: true, result: { id: String(user.id), email: user.email, isStaff: user.isStaff, token } };
      }
      case "issue-token": {
        const user = await findUserByEmail(prisma, c.email);
        if (!user) return { ok: false, error: `No user has the email ${c.email}.` };
        const token = await issueApiToken(prisma, user.id);
        return { ok: true, result: { id: String(user.id), email: user.email, isStaff: user.isStaff, token } };
      }
      case "revoke-token": {
        const revoked = await revokeApiToken(prisma, c.token);
        if (revoked) tokens?.forgetToken(hashApiToken(c.token));
        return revoked ? { ok: true, result: { revoked: true } } : { ok: false, error: "No live token matches." };
      }
    }
  } catch (e) {
    return { ok: false, error: e instanceof Error && e.name === "UserExistsError" ? e.message : "The command failed." };
  }
}

/** Serves the commands on `<dataDir>/admin.sock` until closed. */
export async function serveAdminSocket(
  dataDir: string,
  prisma: PrismaClient,
  log: Logger,
  tokens?: ApiTokenCache,
): Promise<{ close(): Promise<void> }> {
  const file = path.join(dataDir, ADMIN_SOCKET);
  fs.rmSync(file, { force: true }); // left by a process that died (the data folder's lock says it is ours now)
  const server = net.createServer((socket) => {
    let input = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      input += chunk;
      if (input.length > 10_000) return void socket.destroy();
      const end = input.indexOf("\n");
      if (end < 0) return;
      let command: AdminCommand;
      try {
        command = JSON.parse(input.slice(0, end));
      } catch {
        return void socket.end(JSON.stringify({ ok: false, error: "Not a command." }) + "\n");
      }
      void runAdminCommand(prisma, command, tokens).then((answer) => {
        log.info("admin command", { command: command.command, ok: answer.ok });
        socket.end(JSON.stringify(answer) + "\n");
      });
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(file, () => resolve());
  });
  fs.chmodSync(file, 0o600); // only the server's own user may connect
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(file, { force: true });
      }),
  };
}

/** Sends a command to the server holding the embedded database in `dataDir`; null when none listens there. */
export async function sendAdminCommand(dataDir: string, c: AdminCommand): Promise<AdminAnswer | null> {
  const file = path.join(dataDir, ADMIN_SOCKET);
  if (!fs.existsSync(file)) return null;
  return new Promise((resolve) => {
    const socket = net.createConnection(file);
    let output = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(JSON.stringify(c) + "\n"));
    socket.on("data", (chunk: string) => (output += chunk));
    socket.on("error", () => resolve(null));
    socket.on("close", () => {
      try {
        resolve(JSON.parse(output));
      } catch {
        resolve(null);
      }
    });
  });
}
