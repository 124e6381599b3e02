/**
 * A start that fails half-way closes what it had opened: the database (an embedded one holds its
 * folder for its process: a second open would be refused), the event listener, Apollo.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/database.js";
import { createServer } from "../../src/server.js";
import { createLogger } from "../../src/shared/log.js";

describe("a failed start", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const dataDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "orders-start-"));
    dirs.push(d);
    return d;
  };
  const config = (dir: string, port = "0") =>
    loadConfig({ DATABASE_URL: `file:${dir}`, PORT: port, LOG_LEVEL: "silent", GRAPHIQL: "off" });
  /** The folder can be opened again: the failed server let go of its database. */
  const released = async (dir: string) => {
    const db = await openDatabase({ kind: "embedded", dataDir: dir });
    await db.close();
  };

  it("closes the database and the services when preparing fails after they started", async () => {
    const dir = dataDir();
    await expect(
      createServer(config(dir), {
        logger: createLogger("silent"),
        prepare: async () => {
          throw new Error("the demo data could not be made");
        },
      }),
    ).rejects.toThrow("the demo data could not be made");
    await released(dir);
  });

  it("closes everything when the port is taken", async () => {
    const dir = dataDir();
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    try {
      const port = String((taken.address() as net.AddressInfo).port);
      await expect(createServer(config(dir, port), { logger: createLogger("silent") })).rejects.toThrow(/EADDRINUSE/);
      await released(dir);
    } finally {
      taken.close();
    }
  });
});
