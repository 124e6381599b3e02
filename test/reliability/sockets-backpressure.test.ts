/**
 * A WebSocket client that sends and never reads: every subscribe it sends makes the server answer
 * (here ~10 KB of validation errors for ~500 bytes sent), and those answers wait in the server's
 * memory for a client that does not take them. The server stops reading from such a client while
 * too much waits to be sent to it, so its heap stays bounded; other clients are served meanwhile;
 * nothing is lost when the client reads again; and a client that goes away with answers unsent
 * costs one log line, not one per answer.
 *
 * The client is a TCP socket speaking WebSocket by hand (RFC 6455: handshake, masked frames), so
 * that nothing reads for it.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MeDocument } from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { waitFor } from "../helpers/receiver.js";
import { createLogger } from "../../src/shared/log.js";

/** Subscriptions asking for 100 fields the schema lacks: 100 validation errors each, ~10 KB of answer. */
const FIELDS = 100;
const INVALID = `subscription { ${Array.from({ length: FIELDS }, (_, i) => `f${i}`).join(" ")} }`;
/** ~2 MB sent, ~40 MB of answers: far more than the kernel's socket buffers hold. */
const FLOOD = 4000;

function collector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

/** What the process holds: the JS heap, and the buffers outside it (where sockets' data waits). */
function held(gc: () => void): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** One client-to-server frame (masked, as RFC 6455 requires of clients). */
function frame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, 0x80 | len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), Buffer.alloc(8)]);
  if (len >= 65536) head.writeBigUInt64BE(BigInt(len), 2);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
  return Buffer.concat([head, mask, body]);
}
const text = (message: unknown) => frame(0x1, Buffer.from(JSON.stringify(message)));

interface RawClient {
  socket: net.Socket;
  /** The text messages read so far. */
  messages: { id?: string; type: string; payload?: unknown }[];
  /** Stops reading: the server's answers pile up in the kernel, then in the server. */
  stopReading(): void;
  readAgain(): void;
}

/** A graphql-transport-ws client over a bare TCP socket: handshake, connection_init, acknowledgement. */
async function rawClient(url: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.write(
    [
      "GET /graphql HTTP/1.1",
      `Host: ${hostname}:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
      "Sec-WebSocket-Version: 13",
      "Sec-WebSocket-Protocol: graphql-transport-ws",
      "",
      "",
    ].join("\r\n"),
  );
  const messages: RawClient["messages"] = [];
  let buffered = Buffer.alloc(0);
  let upgraded = false;
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (!upgraded) {
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      const status = buffered.subarray(0, buffered.indexOf("\r\n")).toString();
      if (!status.startsWith("HTTP/1.1 101")) throw new Error(`handshake refused: ${status}`);
      upgraded = true;
      buffered = buffered.subarray(end + 4);
    }
    // Server frames are not masked; only whole frames are taken.
    for (;;) {
      if (buffered.length < 2) return;
      const opcode = buffered[0] & 0x0f;
      let len = buffered[1] & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buffered.length < 4) return;
        len = buffered.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buffered.length < 10) return;
        len = Number(buffered.readBigUInt64BE(2));
        at = 10;
      }
      if (buffered.length < at + len) return;
      const payload = buffered.subarray(at, at + len);
      buffered = buffered.subarray(at + len);
      if (opcode === 0x1) messages.push(JSON.parse(payload.toString()));
      else if (opcode === 0x9) socket.write(frame(0xa, payload)); // a ping: pong, as a live client does
    }
  });
  socket.write(text({ type: "connection_init", payload: {} }));
  await waitFor(() => messages.some((m) => m.type === "connection_ack"), "the connection's acknowledgement");
  return { socket, messages, stopReading: () => socket.pause(), readAgain: () => socket.resume() };
}

describe.each(backends())("A WebSocket client that does not read, on %s", (backend) => {
  let t: TestServer;
  const lines: { level: string; msg: string; [k: string]: unknown }[] = [];
  const clients: net.Socket[] = [];

  beforeAll(async () => {
    t = await startTestServer(backend, {
      // No cap on subscriptions here: every subscribe gets its validation errors, the largest answer.
      env: { METRICS: "on", MAX_SUBSCRIPTIONS_PER_SOCKET: "100000" },
      logger: createLogger("info", { write: (line) => lines.push(JSON.parse(line)) }),
    });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Validation errors the server has answered over WebSocket so far, from /metrics. */
  async function validationErrors(): Promise<number> {
    const body = await (await fetch(t.server.metricsUrl!)).text();
    const line = body
      .split("\n")
      .find((l) => l.startsWith('graphql_server_errors_total{error_code="GRAPHQL_VALIDATION_FAILED"}'));
    return line ? Number(line.split(" ").pop()) : 0;
  }
  const floodFrames = (prefix: string) =>
    Buffer.concat(
      Array.from({ length: FLOOD }, (_, i) =>
        text({ id: `${prefix}${i}`, type: "subscribe", payload: { query: INVALID } }),
      ),
    );
  const paused = () => lines.some((l) => l.msg.startsWith("WebSocket client not reading"));

  it("stops reading from it while its answers wait, keeps the heap bounded, serves others, and loses nothing", async () => {
    const gc = collector();
    const frames = floodFrames("a"); // allocated before the baseline: the client's own copy is not the server's
    const client = await rawClient(t.url);
    clients.push(client.socket);
    const errorsBefore = await validationErrors();
    const before = held(gc);
    client.stopReading();
    client.socket.write(frames);
    // Either the server stopped reading (and said so), or it read and answered everything.
    await waitFor(
      async () => paused() || (await validationErrors()) - errorsBefore >= FLOOD * FIELDS,
      "the server to stop reading, or to answer the whole flood",
    );

    // Others are served while the answers wait.
    const staff = await t.user("staff@example.com", { staff: true });
    expect((await t.ok(MeDocument, {}, { token: staff.token })).me?.email).toBe(staff.email);

    // ~40 MB of answers, minus the few MB the kernel holds, would be held in the server's memory.
    const grown = held(gc) - before;
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect(paused()).toBe(true);

    // Once the client reads, the server reads again: every subscribe is answered, in order, in full.
    client.readAgain();
    await waitFor(() => client.messages.length >= 1 + FLOOD, "every answer", 60_000);
    const answers = client.messages.slice(1);
    expect(answers.map((m) => m.id)).toEqual(Array.from({ length: FLOOD }, (_, i) => `a${i}`));
    expect((answers[0].payload as unknown[]).length).toBeGreaterThanOrEqual(FIELDS);
    for (const m of answers) expect(m).toEqual({ id: m.id, type: "error", payload: answers[0].payload });
  });

  it("costs one log line when it goes away with answers unsent, not one per answer", async () => {
    const consoleError = vi.spyOn(console, "error");
    const gc = collector();
    const frames = floodFrames("b");
    const client = await rawClient(t.url);
    clients.push(client.socket);
    const errorsBefore = await validationErrors();
    const linesBefore = lines.length;
    const before = held(gc);
    client.stopReading();
    client.socket.write(frames);
    await waitFor(
      async () =>
        lines.slice(linesBefore).some((l) => l.msg.startsWith("WebSocket client not reading")) ||
        (await validationErrors()) - errorsBefore >= FLOOD * FIELDS,
      "the server to stop reading, or to answer the whole flood",
    );
    expect(held(gc) - before).toBeLessThan(8 * 1024 * 1024);
    client.socket.destroy();
    const closedLine = () =>
      lines.slice(linesBefore).find((l) => l.msg.startsWith("WebSocket closed with answers unsent"));
    await waitFor(
      () => closedLine() !== undefined || consoleError.mock.calls.length > 0,
      "the server to see the socket close",
    );
    // The server's own log has one line for the socket, with what it could not send; nothing on the console.
    expect(consoleError).not.toHaveBeenCalled();
    expect(lines.slice(linesBefore).filter((l) => l.msg.startsWith("WebSocket closed"))).toHaveLength(1);
    expect(closedLine()).toMatchObject({ level: "warn", unsent: expect.any(Number) });
    expect(closedLine()!.unsent).toBeGreaterThan(0);
  });
});
