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
import type { Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { toEvent } from "../history/event.repository.js";
import type { Logger } from "../shared/log.js";
import { USER_SELECT } from "../users/user.repository.js";
import { deliveryBody, deliveryHeaders } from "./webhook.payload.js";
import { hostOf, isInternalAddress, publicOnlyLookup } from "./url-guard.js";

/** Deliveries of one endpoint read at a time. */
const BATCH = 50;
/** How often due retries are looked for without a wake-up. */
const POLL_MS = 500;
/** The longest an endpoint's answer body is read. */
const MAX_ANSWER_BYTES = 64 * 1024;

interface Attempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** An attempt made, to be written: its delivery, which attempt it was, and when. */
interface Sent extends Attempt {
  id: number;
  attempts: number;
  at: Date;
}

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
  /** Attempts this server has made (for tests and /stats). */
  attempted = 0;

  constructor(private readonly deps: { prisma: PrismaClient; config: WebhookConfig; log: Logger; now?: () => Date }) {
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
    this.cycling = this.cycle()
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
    for (const id of await this.claim(free)) {
      const work = this.work(id)
        .catch((e) => this.deps.log.warn("webhook delivery failed", { webhook: id, error: errorText(e) }))
        .finally(() => {
          this.active.delete(id);
          this.wake();
        });
      this.active.set(id, work);
    }
  }

  /**
   * Takes up to `n` endpoints that have due deliveries and that no server holds.
   * Raw SQL: Prisma has no API for FOR UPDATE SKIP LOCKED.
   */
  private async claim(n: number): Promise<number[]> {
    const now = this.now();
    const until = new Date(now.getTime() + this.leaseMs);
    const rows = await this.deps.prisma.$queryRaw<{ id: number }[]>`
      UPDATE "Webhook" SET "leaseUntil" = ${until}, "leaseOwner" = ${this.owner}
      WHERE "id" IN (
        SELECT w."id" FROM "Webhook" w
        WHERE w."enabled" AND (w."leaseUntil" IS NULL OR w."leaseUntil" < ${now})
          AND EXISTS (SELECT 1 FROM "WebhookDelivery" d
                      WHERE d."webhookId" = w."id" AND d."status" = 'PENDING' AND d."nextAttemptAt" <= ${now})
        ORDER BY w."leaseUntil" NULLS FIRST, w."id"
        LIMIT ${n}
        FOR UPDATE SKIP LOCKED)
      RETURNING "id"`;
    return rows.map((r) => r.id);
  }

  /**
   * Sends an endpoint's due deliveries, oldest first, while this server holds it: a batch is sent
   * one delivery after another, then its outcomes are written together.
   */
  private async work(webhookId: number): Promise<void> {
    const { prisma } = this.deps;
    try {
      for (let held = true; held && !this.stopping;) {
        const webhook = await prisma.webhook.findUnique({
          where: { id: webhookId },
          select: { url: true, secret: true, enabled: true, leaseOwner: true },
        });
        if (!webhook?.enabled || webhook.leaseOwner !== this.owner) return;
        const due = await prisma.webhookDelivery.findMany({
          where: { webhookId, status: "PENDING", nextAttemptAt: { lte: this.now() } },
          orderBy: { id: "asc" },
          take: BATCH,
          select: { id: true, attempts: true, eventId: true },
        });
        if (due.length === 0) return;
        // Events read on their own (not as a nested relation, whose Decimals Prisma rounds).
        const events = new Map(
          (
            await prisma.orderEvent.findMany({
              where: { id: { in: due.map((d) => d.eventId) } },
              include: { order: { select: { ref: true } }, actor: { select: USER_SELECT } },
            })
          ).map((e) => [e.id, e]),
        );
        const sent: Sent[] = [];
        const started = Date.now();
        for (const d of due) {
          // Written early when an attempt fails (the next likely fails too), and well inside the lease.
          if (this.stopping || sent.some((a) => !a.ok) || Date.now() - started > this.leaseMs / 3) break;
          const e = events.get(d.eventId);
          if (!e) continue; // deleted with its order meanwhile; its delivery went with it
          const body = deliveryBody(toEvent(e, e.order.ref), e.actor);
          const at = this.now();
          const attempt = await this.send(webhook.url, deliveryHeaders(webhook.secret, String(d.id), body, at), body);
          this.attempted++;
          sent.push({ id: d.id, attempts: d.attempts + 1, at, ...attempt });
        }
        held = await this.record(webhookId, sent);
      }
    } finally {
      await prisma.webhook
        .updateMany({ where: { id: webhookId, leaseOwner: this.owner }, data: { leaseUntil: null, leaseOwner: null } })
        .catch(() => {});
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
      return Promise.resolve(done(false, null, `refused: ${host} is an internal address`));
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
   * WEBHOOK_DISABLE_AFTER_HOURS); and the lease, renewed. False when this server no longer holds the
   * endpoint.
   */
  private async record(webhookId: number, sent: Sent[]): Promise<boolean> {
    const { prisma, config } = this.deps;
    if (sent.length === 0) return true;
    const now = this.now();
    const delays = config.retryDelaysSeconds;
    const ok = sent.filter((a) => a.ok);
    const failed = sent.filter((a) => !a.ok);
    return prisma.$transaction(async (tx) => {
      const held = await tx.webhook.updateMany({
        where: { id: webhookId, leaseOwner: this.owner },
        data: { leaseUntil: new Date(now.getTime() + this.leaseMs), ...(ok.length > 0 && { failingSince: null }) },
      });
      // Raw SQL: one statement for the whole batch, where Prisma has no update of many rows with a
      // value of their own each, and its createMany is compiled anew on every call (BENCHMARKS.md).
      // Rows of a delivery deleted meanwhile (its webhook was) are skipped.
      await tx.$executeRaw`
        WITH r AS (
          SELECT * FROM unnest(${sent.map((a) => a.id)}::int[], ${sent.map((a) => a.ok)}::bool[],
                               ${sent.map((a) => a.statusCode)}::int[], ${sent.map((a) => a.error)}::text[],
                               ${sent.map((a) => a.durationMs)}::int[], ${sent.map((a) => a.at)}::timestamptz[])
            AS r(id, ok, code, error, ms, at)
        ), done AS (
          UPDATE "WebhookDelivery" d
          SET "attempts" = d."attempts" + 1, "lastStatusCode" = r.code, "lastError" = r.error,
              "status" = 'SUCCEEDED', "dateDelivered" = r.at, "nextAttemptAt" = NULL
          FROM r WHERE d."id" = r.id AND r.ok
        )
        INSERT INTO "WebhookAttempt" ("deliveryId", "statusCode", "error", "durationMs", "dateCreated")
        SELECT r.id, r.code, r.error, r.ms, r.at FROM r JOIN "WebhookDelivery" d ON d."id" = r.id`;
      for (const a of failed) {
        const retryIn = a.attempts <= delays.length ? delays[a.attempts - 1] * 1000 * (1 + Math.random() * 0.1) : null;
        await tx.webhookDelivery.updateMany({
          where: { id: a.id },
          data: {
            attempts: a.attempts,
            lastStatusCode: a.statusCode,
            lastError: a.error,
            ...(retryIn === null
              ? { status: "FAILED", nextAttemptAt: null }
              : { nextAttemptAt: new Date(a.at.getTime() + retryIn) }),
          },
        });
      }
      if (failed.length > 0) await this.failing(tx, webhookId, now);
      return held.count > 0;
    });
  }

  /** Notes a failed attempt on the endpoint; one that has failed every attempt for too long is switched off. */
  private async failing(tx: Tx, webhookId: number, now: Date) {
    await tx.webhook.updateMany({ where: { id: webhookId, failingSince: null }, data: { failingSince: now } });
    const w = await tx.webhook.findUnique({ where: { id: webhookId }, select: { failingSince: true, enabled: true } });
    const hours = this.deps.config.disableAfterHours;
    if (!w?.enabled || !w.failingSince || now.getTime() - w.failingSince.getTime() < hours * 3_600_000) return;
    const reason = `Every delivery attempt failed from ${w.failingSince.toISOString()} to ${now.toISOString()} (${hours} hours or more).`;
    await tx.webhook.update({
      where: { id: webhookId },
      data: { enabled: false, disabledReason: reason },
      select: { id: true },
    });
    await tx.webhookDelivery.updateMany({
      where: { webhookId, status: "PENDING" },
      data: {
        status: "FAILED",
        nextAttemptAt: null,
        lastError: "The webhook was switched off after failing for too long.",
      },
    });
    this.deps.log.warn("webhook switched off", { webhook: webhookId, reason });
  }
}

function errorText(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code && err.message && !err.message.includes(err.code)
    ? `${err.code}: ${err.message}`
    : (err.message ?? String(e));
}
