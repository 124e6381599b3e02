/**
 * Tracing with OpenTelemetry: the Node SDK with the HTTP, Express and GraphQL instrumentations and
 * Prisma's own, exporting over OTLP as the standard OTEL_* variables say (endpoint, protocol,
 * headers, sampler, service name; the service is `orders-api` unless OTEL_SERVICE_NAME names it).
 * Loaded only when tracing is on (telemetry/boot.ts).
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Link,
} from "@opentelemetry/api";
import { ExpressInstrumentation } from "@opentelemetry/instrumentation-express";
import { GraphQLInstrumentation } from "@opentelemetry/instrumentation-graphql";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { NodeSDK, resources } from "@opentelemetry/sdk-node";
import { PrismaInstrumentation } from "@prisma/instrumentation";
import type { Tracing } from "./tracing.js";

const SCOPE = "orders-api";

export function startTracing(): Tracing {
  const sdk = new NodeSDK({
    resource: resources.resourceFromAttributes({ "service.name": SCOPE }),
    instrumentations: [
      new HttpInstrumentation(),
      new ExpressInstrumentation(),
      // Resolver spans would be one per field of every object (thousands for a page of orders); the
      // I/O under the operation shows as Prisma's spans.
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, depth: 0 }),
      new PrismaInstrumentation(),
    ],
  });
  sdk.start();
  const tracer = trace.getTracer(SCOPE);

  return {
    operation(op, run) {
      const name = op.name ? `${op.type} ${op.name}` : op.type;
      const attributes: Record<string, string> = { "graphql.operation.type": op.type };
      if (op.name) attributes["graphql.operation.name"] = op.name;
      if (op.source !== undefined) attributes["graphql.source"] = op.source;
      return tracer.startActiveSpan(name, { attributes }, async (span) => {
        try {
          const result = await run();
          const errors = (result as { errors?: readonly unknown[] } | undefined)?.errors;
          if (errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: `${errors.length} error(s)` });
          return result;
        } catch (e) {
          span.recordException(e as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw e;
        } finally {
          span.end();
        }
      });
    },
    traceparent() {
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return undefined;
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier.traceparent;
    },
    linked(name, traceparent, attributes, fn) {
      const links: Link[] = [];
      if (traceparent) {
        const linkedTo = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
        if (linkedTo) links.push({ context: linkedTo });
      }
      return tracer.startActiveSpan(
        name,
        { root: true, links, attributes, kind: SpanKind.INTERNAL },
        ROOT_CONTEXT,
        (span) => {
          let result: ReturnType<typeof fn>;
          try {
            result = fn();
          } catch (e) {
            span.recordException(e as Error);
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
            throw e;
          }
          if (result instanceof Promise) {
            return result.then(
              (v) => (span.end(), v),
              (e) => {
                span.recordException(e as Error);
                span.setStatus({ code: SpanStatusCode.ERROR });
                span.end();
                throw e;
              },
            ) as typeof result;
          }
          span.end();
          return result;
        },
      );
    },
    traceId() {
      const sc = trace.getActiveSpan()?.spanContext();
      return sc && sc.traceFlags & TraceFlags.SAMPLED ? sc.traceId : undefined;
    },
    shutdown: () => sdk.shutdown(),
  };
}
