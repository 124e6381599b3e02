/**
 * The server's log (pino): one JSON object a line on stderr, or the same events as readable lines
 * for a person at a terminal (LOG_FORMAT). Never give it tokens.
 */
import pino from "pino";
import type { LogLevel } from "../config.js";

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /** json (default) or pretty: `2026-01-02T03:04:05.678Z INFO message {"field":1}`. */
  format?: "json" | "pretty";
  /** Where each line goes (without its newline); stderr by default. */
  write?: (line: string) => void;
  /** Fields added to every line (the trace's ids when tracing is on). */
  mixin?: () => Record<string, unknown>;
}

/** Fields pino writes itself, left out of a pretty line. */
const OWN = new Set(["level", "time", "msg", "pid", "hostname"]);

function pretty(json: string): string {
  const { level, time, msg, ...rest } = JSON.parse(json) as Record<string, unknown>;
  const fields = Object.fromEntries(Object.entries(rest).filter(([k]) => !OWN.has(k)));
  return `${String(time)} ${String(level).toUpperCase()} ${String(msg)}${Object.keys(fields).length ? " " + JSON.stringify(fields) : ""}`;
}

export function createLogger(level: LogLevel, o: LoggerOptions = {}): Logger {
  const format = o.format ?? "json";
  const write = o.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const destination =
    format === "json" && !o.write
      ? pino.destination({ dest: 2, sync: true })
      : { write: (chunk: string) => write(format === "pretty" ? pretty(chunk) : chunk.replace(/\n$/, "")) };
  const log = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: o.mixin,
    },
    destination,
  );
  const at = (l: Exclude<LogLevel, "silent">) => (msg: string, fields?: Record<string, unknown>) =>
    fields ? log[l](fields, msg) : log[l](msg);
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}
