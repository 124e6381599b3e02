/**
 * Sends webhook deliveries, shared by every server of a deployment through the database.
 *
 * A server takes an endpoint for a while (a lease on its Webhook row, claimed with
 * `FOR UPDATE SKIP LOCKED`, so exactly one server holds it) and sends its due deliveries one after
 * another, oldest first: an endpoint gets its events in the order they were written (an order's
 * events always are, being written under its row lock), except where a failed delivery waits for its
 * retry. Each attempt's outcome is written with the lease renewed; a server that dies mid-attempt
 * leaves the delivery pending, and once its lease runs out another server sends it again, with the
 * same webhook-id. So: at least once, never lost.
 *
 * Woken by the events' NOTIFY (on every server) and by a timer, for retries.
 */
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { randomUUID } from "node:crypto";
import type { WebhookConfig } from "../config.js";
import { withConnectionPriority } from "../db/single-connection.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { eventsByIds } from "../history/event.repository.js";
import type { Logger } from "../shared/log.js";
import type { Tracing } from "../telemetry/tracing.js";
import { deliveryBody, deliveryHeaders } from "./webhook.payload.js";
import * as repo from "./webhook.repository.js";
import type { AttemptMade, LeasedWebhook } from "./webhook.repository.js";
import { hostOf, isInternalAddress, publicOnlyLookup } from "./url-guard.js";

/** Deliveries of one endpoint read at a time. */
const BATCH = 50;
/** How often due retries are looked for without a wake-up. */
const POLL_MS = 500;
/** The longest an endpoint's answer body is read. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** How an attempt went. */
type Attempt = Omit<AttemptMade, "id" | "attempts" | "at">;

export class WebhookDispatcher {
  /** This server, in the leases it takes. */
  readonly owner = `${process.pid}-${randomUUID()}`;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 4 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 4 }),
  };
  private readonly leaseMs: number;
  private active = new Map<number, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private cycling: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  /** Attempts this server has made (for tests). */
  attempted = 0;

  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      config: WebhookConfig;
      log: Logger;
      now?: () => Date;
      /** Told of each attempt's outcome and duration (metrics). */
      onAttempt?: (ok: boolean, seconds: number) => void;
      /** With tracing on, each attempt is a span linked to its event's change. */
      tracing?: Tracing;
    },
  ) {
    this.leaseMs = deps.config.timeoutMs + 5_000;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (new events, a redelivery). */
  wake(): void {
    if (this.stopping) return;
    if (this.cycling) {
      this.again = true;
      return;
    }
    // On the embedded database's one connection, the deliveries' statements go before queued writes.
    this.cycling = withConnectionPriority(() => this.cycle())
      .catch((e) => this.deps.log.warn("webhook dispatch failed", { error: errorText(e) }))
      .finally(() => {
        this.cycling = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops taking endpoints, lets the attempts under way finish, and gives the leases back. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.cycling;
    await Promise.allSettled(this.active.values());
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async cycle(): Promise<void> {
    const free = this.deps.config.concurrency - this.active.size;
    if (free <= 0) return;
    for (const webhook of await this.claim(free)) {
      const id = webhook.id;
      const work = this.work(webhook)
        .catch((e) => this.deps.log.warn("webhook delivery failed", { webhook: id, error: errorText(e) }))
        .finally(() => {
          this.active.delete(id);
          this.wake();
        });
      this.active.set(id, work);
    }
  }

  /** Takes up to `n` endpoints that have due deliveries and that no server holds. */
  private claim(n: number): Promise<LeasedWebhook[]> {
    const now = this.now();
    return repo.leaseWebhooks(this.deps.prisma, {
      owner: this.owner,
      now,
      until: new Date(now.getTime() + this.leaseMs),
      n,
    });
  }

  /**
   * Sends an endpoint's due deliveries, oldest first, while this server holds it: a batch is sent
   * one delivery after another, then its outcomes are written together. `claimed` is the endpoint
   * as its claim returned it; each later batch reads it again.
   */
  private async work(claimed: LeasedWebhook): Promise<void> {
    const { prisma } = this.deps;
    const webhookId = claimed.id;
    let released = false;
    try {
      for (let held = true, first = true; held && !this.stopping; first = false) {
        const webhook = first ? claimed : await repo.leasedWebhook(prisma, webhookId);
        if (!webhook?.enabled || webhook.leaseOwner !== this.owner) return;
        const due = await repo.dueDeliveries(prisma, webhookId, this.now(), BATCH);
        if (due.length === 0) return;
        // Events read on their own (not as a nested relation, whose Decimals Prisma rounds).
        const events = new Map(
          (
            await eventsByIds(
              prisma,
              due.map((d) => d.eventId),
            )
          ).map((e) => [e.id, e]),
        );
        const sent: AttemptMade[] = [];
        const started = Date.now();
        for (const d of due) {
          // Written early when an attempt fails (the next likely fails too), and well inside the lease.
          if (this.stopping || sent.some((a) => !a.ok) || Date.now() - started > this.leaseMs / 3) break;
          const e = events.get(d.eventId);
          if (!e) continue; // deleted with its order meanwhile; its delivery went with it
          const body = deliveryBody(e, e.actorUser);
          const at = this.now();
          const headers = deliveryHeaders(webhook.secret, d.messageId, body, at);
          const send = () => this.send(webhook.url, headers, body);
          const tracing = this.deps.tracing;
          const attempt = await (tracing
            ? tracing.linked(
                "webhook delivery",
                e.traceContext,
                {
                  "webhook.id": webhookId,
                  "webhook.message_id": d.messageId,
                  "webhook.attempt": d.attempts + 1,
                  "order_event.id": e.id,
                  "order_event.type": e.type,
                },
                send,
              )
            : send());
          this.attempted++;
          this.deps.onAttempt?.(attempt.ok, attempt.durationMs / 1000);
          sent.push({ id: d.id, attempts: d.attempts + 1, at, ...attempt });
        }
        // A short batch was every due delivery: the endpoint's turn ends with it, its lease given
        // back (with the outcomes when they all succeeded), and the wake-up that follows claims it
        // again if more came meanwhile.
        const last = due.length < BATCH && sent.length === due.length;
        held = await this.record(webhookId, sent, last);
        if (last) {
          released = held && sent.every((a) => a.ok);
          return;
        }
      }
    } finally {
      if (!released) await repo.releaseLease(prisma, webhookId, this.owner).catch(() => {});
    }
  }

  /** One HTTP POST: any 2xx within the timeout is a success; redirects are not followed. */
  private send(target: string, signature: Record<string, string>, body: string): Promise<Attempt> {
    const started = performance.now();
    const done = (ok: boolean, statusCode: number | null, error: string | null): Attempt => ({
      ok,
      statusCode,
      error,
      durationMs: Math.round(performance.now() - started),
    });
    const { timeoutMs, allowPrivate } = this.deps.config;
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return Promise.resolve(done(false, null, "The webhook's URL is not valid."));
    }
    const host = hostOf(url);
    if (!allowPrivate && net.isIP(host) && isInternalAddress(host)) {
      return Promise.resolve(
        done(false, null, `refused: ${host} is an internal address; WEBHOOK_ALLOW_PRIVATE=on allows it`),
      );
    }
    return new Promise<Attempt>((resolve) => {
      const client = url.protocol === "https:" ? https : http;
      const req = client.request(url, {
        method: "POST",
        agent: url.protocol === "https:" ? this.agents.https : this.agents.http,
        lookup: allowPrivate ? undefined : publicOnlyLookup,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "orders-api-webhooks",
          ...signature,
        },
      });
      const timer = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      req.on("response", (res) => {
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const finish = () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          resolve(
            done(
              ok,
              status,
              ok ? null : `HTTP ${status}${status >= 300 && status < 400 ? " (redirects are not followed)" : ""}`,
            ),
          );
        };
        res.on("end", finish);
        res.on("close", finish);
      });
      req.on("error", (e) => {
        clearTimeout(timer);
        resolve(done(false, null, errorText(e)));
      });
      req.end(body);
    });
  }

  /**
   * Writes a batch's outcomes in one transaction: every attempt; each delivery succeeded, retried
   * later or given up on; the endpoint's failing streak (switching it off after
   * WEBHOOK_DISABLE_AFTER_HOURS); and the lease, renewed, or given back with the outcomes when
   * `last` and every attempt succeeded. False when this server no longer holds the endpoint.
   */
  private async record(webhookId: number, sent: AttemptMade[], last: boolean): Promise<boolean> {
    if (sent.length === 0) return true;
    const now = this.now();
    const delays = this.deps.config.retryDelaysSeconds;
    // The n-th failed attempt is retried after the n-th delay (with up to 10% jitter); after the last, given up on.
    const retryAt = (a: AttemptMade) =>
      a.attempts <= delays.length
        ? new Date(a.at.getTime() + delays[a.attempts - 1] * 1000 * (1 + Math.random() * 0.1))
        : null;
    const failed = sent.filter((a) => !a.ok);
    const until = new Date(now.getTime() + this.leaseMs);
    // Every attempt succeeded (the usual case): one statement, no transaction.
    if (failed.length === 0)
      return repo.writeSuccesses(this.deps.prisma, webhookId, { owner: this.owner, until: last ? null : until }, sent);
    return inTransaction(this.deps.prisma, async (tx) => {
      const held = await repo.renewLease(tx, webhookId, {
        owner: this.owner,
        until,
        succeeded: failed.length < sent.length,
      });
      await repo.writeAttempts(tx, sent);
      for (const a of failed) await repo.scheduleRetry(tx, a, retryAt(a));
      if (failed.length > 0) await this.failing(tx, webhookId, now);
      return held;
    });
  }

  /** Notes a failed attempt on the endpoint; one that has failed every attempt for too long is switched off. */
  private async failing(tx: Tx, webhookId: number, now: Date): Promise<void> {
    const since = await repo.noteFailing(tx, webhookId, now);
    const hours = this.deps.config.disableAfterHours;
    if (!since || now.getTime() - since.getTime() < hours * 3_600_000) return;
    const reason = `Every delivery attempt failed from ${since.toISOString()} to ${now.toISOString()} (${hours} hours or more).`;
    await repo.updateWebhook(tx, webhookId, { enabled: false, disabledReason: reason });
    await repo.failPending(tx, webhookId, "The webhook was switched off after failing for too long.");
    this.deps.log.warn("webhook switched off", { webhook: webhookId, reason });
  }
}

function errorText(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code && err.message && !err.message.includes(err.code)
    ? `${err.code}: ${err.message}`
    : (err.message ?? String(e));
}
