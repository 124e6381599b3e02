/**
 * Starts tracing, when the OTLP exporter is configured, before the modules it instruments (http,
 * express, graphql, Prisma's client) are loaded: main.ts imports this first. With tracing off it
 * loads nothing of OpenTelemetry.
 */
import { tracingOn } from "../config.js";
import type { Tracing } from "./tracing.js";

export const tracing: Tracing | undefined = tracingOn(process.env)
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
    (require("./otel.js") as typeof import("./otel.js")).startTracing()
  : undefined;
