/** A GraphQL subscriber over WebSocket (graphql-ws), as a client would run one, for tests. */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface Collected<T> {
  items: T[];
  errors: unknown[];
  completed: boolean;
  /** Resolves once the server acknowledged the subscription's first message exchange. */
  stop(): Promise<void>;
}

export interface Subscriber {
  client: Client;
  /** The close event of the socket, once it closed. */
  closed: Promise<{ code: number; reason: string }>;
  subscribe<T = unknown>(query: string, variables?: Record<string, unknown>): Collected<T>;
  dispose(): Promise<void>;
}

/** Connects to `url` (http://… is turned into ws://…/graphql) with an optional bearer token. */
export async function connectSubscriber(
  url: string,
  token?: string,
  opts: { header?: boolean } = {},
): Promise<Subscriber> {
  let onClosed!: (e: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
  let connected!: () => void;
  let failed!: (e: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    connected = resolve;
    failed = reject;
  });
  const auth = token ? `Bearer ${token}` : undefined;
  const client = createClient({
    url: `${url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: opts.header
      ? class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { headers: auth ? { authorization: auth } : {} });
          }
        }
      : WebSocket,
    connectionParams: opts.header || !auth ? {} : { authorization: auth },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: (e) => failed(e), // (its default writes the close event to stderr)
    on: {
      connected: () => connected(),
      closed: (e) => {
        const event = e as { code: number; reason: string };
        onClosed({ code: event.code, reason: String(event.reason) });
        failed(new Error(`closed ${event.code} ${event.reason}`));
      },
      error: (e) => failed(e),
    },
  });
  await ready;
  return {
    client,
    closed,
    subscribe<T>(query: string, variables?: Record<string, unknown>): Collected<T> {
      const collected: Collected<T> = { items: [], errors: [], completed: false, stop: async () => unsubscribe() };
      const unsubscribe = client.subscribe<T>(
        { query, variables },
        {
          next: (r) => {
            if (r.errors) collected.errors.push(...r.errors);
            if (r.data) collected.items.push(r.data as T);
          },
          error: (e) => collected.errors.push(...(Array.isArray(e) ? e : [e])),
          complete: () => (collected.completed = true),
        },
      );
      return collected;
    },
    async dispose() {
      await client.dispose();
    },
  };
}
