/** A small leveled logger writing one line per event to stderr. Never give it tokens. */
import type { LogLevel } from "../config.js";

const ORDER: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stderr.write(l + "\n"),
): Logger {
  const at = (l: Exclude<LogLevel, "silent">) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[l] > ORDER[level]) return;
    write(
      `${new Date().toISOString()} ${l.toUpperCase()} ${msg}${fields && Object.keys(fields).length ? " " + JSON.stringify(fields) : ""}`,
    );
  };
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}
