/**
 * Recent API token lookups, so that an authenticated request need not look its token up again.
 *
 * What it guarantees (README, "API token cache"):
 * - only a token that was found live is kept ("no such token" never is: random tokens fill nothing),
 *   keyed by its SHA-256, never the token; at most MAX_ENTRIES (least recently used out first), each
 *   for at most API_TOKEN_CACHE_SECONDS;
 * - whatever changes what a lookup returns (a token revoked, deleted or rewritten; a user's isStaff
 *   or email changed; a user deleted) is announced by triggers in the changing transaction (migration
 *   `api_token_changes`), so PostgreSQL tells every server at commit, whatever code path wrote it;
 *   each server drops the entries it names as soon as it hears it;
 * - a lookup read before a change but answered after the change was heard is not kept (the
 *   generation check below), so a dropped entry cannot come back stale;
 * - the cache is used only while this server's event path is proven (the event bus's check) and its
 *   own listening connection is up; it is emptied when either fails and when the connection comes
 *   back (what was announced meanwhile is unknown);
 * - it is off with read replicas: the user's `lastWriteAt` (which steers their reads) changes with
 *   every write, and is not announced.
 */
import type { Database } from "../db/database.js";
import { listen, type Listening } from "../db/listener.js";
import type { ViewerUser } from "./viewer.js";

/** The channel the triggers announce on (prisma/migrations/…_api_token_changes). */
export const API_TOKEN_CHANNEL = "api_token_changes";

/** How many lookups one server keeps at most. */
export const MAX_ENTRIES = 10_000;

/** A user as a token lookup returns it. */
export type TokenUser = ViewerUser & { lastWriteAt: Date | null };

interface Entry {
  user: TokenUser;
  expiresAt: number;
}

/**
 * The entries, with no I/O: an LRU by count (a Map keeps insertion order; a hit moves its entry to
 * the end) whose entries also expire. Every drop raises the generation; a lookup that started in an
 * older generation is not stored.
 */
export class TokenLookupCache {
  private readonly entries = new Map<string, Entry>();
  private gen = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = MAX_ENTRIES,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Taken before a lookup's statement, handed to set() with its answer. */
  get generation(): number {
    return this.gen;
  }

  get(hash: string): TokenUser | undefined {
    const e = this.entries.get(hash);
    if (!e) return undefined;
    this.entries.delete(hash);
    if (e.expiresAt <= this.now()) return undefined;
    this.entries.set(hash, e);
    return e.user;
  }

  /** Keeps a live token's user, unless something was dropped since `generation` was taken. */
  set(hash: string, user: TokenUser, generation: number): void {
    if (generation !== this.gen) return;
    this.entries.delete(hash);
    this.entries.set(hash, { user, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  forgetToken(hash: string): void {
    this.gen++;
    this.entries.delete(hash);
  }

  forgetUser(userId: number): void {
    this.gen++;
    for (const [hash, e] of this.entries) if (e.user.id === userId) this.entries.delete(hash);
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
  }

  /** Applies a trigger's announcement: `t:<token hash>` or `u:<user id>`; anything else empties it. */
  apply(payload: string): void {
    if (/^t:[0-9a-f]{64}$/.test(payload)) return this.forgetToken(payload.slice(2));
    if (/^u:\d+$/.test(payload)) return this.forgetUser(Number(payload.slice(2)));
    this.clear();
  }
}

/**
 * This server's token cache: the entries, fed by the triggers' announcements on a LISTEN of its own,
 * and the conditions under which it may be used.
 */
export class ApiTokenCache {
  private readonly lookups: TokenLookupCache;
  private listening: Listening | null = null;
  private connected = false;
  private wasUsable = false;
  private stopDropOnConnect: (() => void) | undefined;

  constructor(
    private readonly deps: {
      db: Database;
      /** API_TOKEN_CACHE_SECONDS (> 0). */
      ttlSeconds: number;
      /** Whether this server's event path is proven (the event bus's check). */
      eventPathOk: () => boolean;
      onError?: (e: unknown) => void;
    },
  ) {
    this.lookups = new TokenLookupCache(deps.ttlSeconds * 1000);
  }

  async start(): Promise<void> {
    const { db } = this.deps;
    this.listening = await listen(db, API_TOKEN_CHANNEL, (payload) => this.lookups.apply(payload), {
      // Lost (an error precedes every unexpected end of the connection) or back: what was announced
      // meanwhile is unknown.
      onError: (e) => {
        this.connected = false;
        this.lookups.clear();
        this.deps.onError?.(e);
      },
      onReconnect: () => {
        this.lookups.clear();
        this.connected = true;
      },
    });
    if (db.kind === "embedded") {
      // The one connection listens; when the pool replaces it, the new one listens from then on.
      const drop = () => this.lookups.clear();
      db.pool.on("connect", drop);
      this.stopDropOnConnect = () => db.pool.off("connect", drop);
    }
    this.connected = true;
  }

  async stop(): Promise<void> {
    this.connected = false;
    this.lookups.clear();
    this.stopDropOnConnect?.();
    await this.listening?.stop();
  }

  /** The cache when it may be used now, else null; emptied whenever that changes. */
  private usable(): TokenLookupCache | null {
    const ok = this.connected && this.deps.eventPathOk();
    if (ok !== this.wasUsable) {
      this.lookups.clear();
      this.wasUsable = ok;
    }
    return ok ? this.lookups : null;
  }

  /**
   * The live token's user by its hash: from the cache, or `load` (the database) when it is not
   * there or may not be used; a live answer is kept, a missing one never.
   */
  async lookup(hash: string, load: () => Promise<TokenUser | null>): Promise<TokenUser | null> {
    const cache = this.usable();
    if (!cache) return load();
    const hit = cache.get(hash);
    if (hit) return hit;
    const generation = cache.generation;
    const user = await load();
    if (user) cache.set(hash, user, generation);
    return user;
  }

  /**
   * Drops a token this server has just revoked, so that its next request is refused whatever the
   * order in which the revoke's answer and its announcement arrive.
   */
  forgetToken(hash: string): void {
    this.lookups.forgetToken(hash);
  }

  /** Entries held now (tests, metrics). */
  get size(): number {
    return this.lookups.size;
  }
}
