/**
 * npx tsx bench/subscription-memory.ts [--subscriptions N] [--rounds R]
 *
 * Heap held per idle subscription: a server on an in-memory embedded database, one WebSocket
 * connection (graphql-transport-ws, spoken by hand) that starts N subscriptions which match no
 * event, and the heap after a full collection before and after, divided by N. The client runs in
 * the same process, so its share (a few hundred bytes of bookkeeping per subscription here) is in
 * the figure too. Each round opens a fresh connection and closes it, and the heap after it closed
 * is reported too (what a closed socket leaves behind).
 */
import v8 from "node:v8";
import vm from "node:vm";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { createServer } from "../src/server.js";
import { createLogger } from "../src/shared/log.js";
import { createUser, issueApiToken } from "../src/users/user.repository.js";

const { values: args } = parseArgs({
  options: {
    subscriptions: { type: "string", default: "5000" },
    rounds: { type: "string", default: "3" },
  },
});
const N = Number(args.subscriptions);
const ROUNDS = Number(args.rounds);

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const heap = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
};

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 600_000) throw new Error("timed out");
    await new Promise((r) => setImmediate(r));
  }
}

async function main() {
  const db = await openDatabase({ kind: "embedded", dataDir: "memory://" });
  const config = loadConfig({
    PORT: "0",
    LOG_LEVEL: "silent",
    MAX_SUBSCRIPTIONS_PER_SOCKET: String(N),
  });
  const server = await createServer(config, { db, logger: createLogger("silent") });
  try {
    const staff = await createUser(server.prisma, "staff@example.com", true);
    const token = await issueApiToken(server.prisma, staff.id);
    const results: { perSubscription: number; leftAfterClose: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = heap();
      const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
      let acked = false;
      let refused = 0;
      ws.on("message", (data) => {
        const m = JSON.parse(data.toString()) as { type: string };
        if (m.type === "connection_ack") acked = true;
        if (m.type === "error") refused++;
      });
      await new Promise((r) => ws.once("open", r));
      ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
      await until(() => acked);
      for (let i = 0; i < N; i++) {
        ws.send(
          JSON.stringify({
            id: String(i),
            type: "subscribe",
            payload: { query: "subscription { orderEvents { id type orderRef toStatus } }" },
          }),
        );
      }
      await until(() => server.events.subscriberCount + refused >= N);
      if (refused) throw new Error(`${refused} subscriptions refused`);
      const held = heap();
      const closed = new Promise((r) => ws.once("close", r));
      ws.close();
      await closed;
      await until(() => server.events.subscriberCount === 0);
      const after = heap();
      results.push({
        perSubscription: Math.round((held - before) / N),
        leftAfterClose: Math.round((after - before) / 1024),
      });
    }
    console.log(
      JSON.stringify({
        subscriptions: N,
        bytesPerSubscription: results.map((r) => r.perSubscription),
        kibLeftAfterClose: results.map((r) => r.leftAfterClose),
      }),
    );
  } finally {
    await server.close();
    await db.close();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
