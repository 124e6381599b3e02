/** The log: JSON lines for machines, readable lines for people, the trace id where there is one. */
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/shared/log.js";

describe("log", () => {
  it("writes one JSON object a line, with the level's name, the message and the fields", () => {
    const lines: string[] = [];
    const log = createLogger("info", { write: (l) => lines.push(l) });
    log.info("request", { requestId: "r-1", operation: "Me", status: 200 });
    log.debug("not at info");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ level: "info", msg: "request", requestId: "r-1", operation: "Me", status: 200 });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it("writes the same events for people: time, LEVEL, message, fields", () => {
    const lines: string[] = [];
    const log = createLogger("debug", { format: "pretty", write: (l) => lines.push(l) });
    log.warn("webhook switched off", { webhook: 3 });
    log.debug("plain");
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN webhook switched off \{"webhook":3\}$/);
    expect(lines[1]).toMatch(/Z DEBUG plain$/);
  });

  it("adds what the mixin gives (the trace id) to every line, and nothing when it gives nothing", () => {
    const lines: string[] = [];
    let traceId: string | undefined = "4bf92f3577b34da6a3ce929d0e0e4736";
    const log = createLogger("info", { write: (l) => lines.push(l), mixin: () => ({ traceId }) });
    log.error("unexpected error", { requestId: "r-2" });
    traceId = undefined;
    log.info("outside a trace");
    expect(JSON.parse(lines[0])).toMatchObject({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", requestId: "r-2" });
    expect(JSON.parse(lines[1])).not.toHaveProperty("traceId");
  });

  it("writes nothing when silent", () => {
    const lines: string[] = [];
    const log = createLogger("silent", { write: (l) => lines.push(l) });
    log.error("nothing");
    expect(lines).toEqual([]);
  });
});
