/**
 * The graphql-ws protocol (graphql-transport-ws) over `ws` sockets, with backpressure: graphql-ws's
 * own `makeServer` (its transport-neutral API) on a socket adapter of ours instead of its
 * `useServer`, which reads and answers without bound.
 *
 * Every message a client sends may be answered (a refusal, validation errors, a pong), and an answer
 * waits in this process until the client reads it. A client that sends and never reads would have
 * the server hold every answer: ~40 MB of heap for 2 MB of subscribe messages whose documents each
 * draw 100 validation errors. So, per connection:
 *
 * - **Nothing more is read from a client while more than SEND_BUFFER_BYTES wait to be sent to it**
 *   (`ws`'s `bufferedAmount`: what the kernel did not take yet). Its messages wait in its own socket
 *   buffers and then in the kernel's, TCP tells it to stop sending, and reading goes on once its
 *   answers are out. A client that is only slow loses nothing; what the server holds for one that
 *   never reads is bounded by SEND_BUFFER_BYTES, one message's answer, and one read's messages.
 *   Data for its subscriptions is bounded already: graphql-ws waits for each event to be sent before
 *   taking the next (events wait in the bus's queue, SUBSCRIPTION_QUEUE, then EVENTS_DROPPED).
 * - **Messages are handled one per turn of the event loop**, so the answer of one is queued (and
 *   counted) before the next is handled; the messages read and not yet handled are at most
 *   INBOX_BYTES (past that, reading pauses too).
 * - **A client that stopped reading is closed by the keep-alive**: its ping waits behind its unsent
 *   answers, no pong comes, and the connection is terminated after two keep-alive periods.
 * - **Logs are bounded**: per connection, one line when the server first stops reading from it,
 *   one line when it closes with answers unsent (how many), one for a protocol error; never one
 *   line per message (graphql-ws's `useServer` writes one `console.error` per unsent answer).
 */
import type http from "node:http";
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import { WebSocket, type WebSocketServer } from "ws";
import type { Logger } from "../shared/log.js";

/** Past this many bytes waiting to be sent to a client, nothing more is read from it until they are sent. */
export const SEND_BUFFER_BYTES = 256 * 1024;
/** Past this many bytes of a client's messages read and not yet handled, nothing more is read from it. */
const INBOX_BYTES = 64 * 1024;

/** What graphql-ws's context carries for a connection (`ctx.extra`). */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: http.IncomingMessage;
}

/** `ws`'s server options this transport needs: graphql-ws's subprotocol. */
export const wsServerOptions = { handleProtocols: (protocols: Set<string>) => handleProtocols(protocols) };

export function serveGraphqlWs<E extends SocketExtra>(
  options: ServerOptions<Record<string, unknown> | undefined, E>,
  wss: WebSocketServer,
  o: { log: Logger; keepAliveMs: number; extra(socket: WebSocket, request: http.IncomingMessage): E },
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  const onConnection = (socket: WebSocket, request: http.IncomingMessage) => {
    /** Answers handed to `ws` and not yet written out; answers that could not be sent. */
    let pending = 0;
    let dropped = 0;
    let loggedNotReading = false;
    let noPong = false;
    let failed = false;
    const inbox: string[] = [];
    let inboxBytes = 0;
    let handle: ((data: string) => Promise<void>) | undefined;
    let scheduled = false;

    const backedUp = () => socket.bufferedAmount > SEND_BUFFER_BYTES;
    /** Reads while neither the answers nor the unhandled messages are past their bounds. */
    const flow = () => {
      if (socket.readyState !== WebSocket.OPEN) return;
      const read = !backedUp() && inboxBytes <= INBOX_BYTES;
      if (read && socket.isPaused) socket.resume();
      else if (!read && !socket.isPaused) socket.pause();
      if (!read && backedUp() && !loggedNotReading) {
        loggedNotReading = true;
        o.log.info("WebSocket client not reading: its messages wait until its answers are sent", {
          waitingBytes: socket.bufferedAmount,
          remote: request.socket.remoteAddress,
        });
      }
      if (inbox.length && !backedUp() && !scheduled) {
        scheduled = true;
        setImmediate(next);
      }
    };
    /** Handles one message; its answer, when it needs no I/O, is queued before the next is handled. */
    const next = () => {
      scheduled = false;
      if (!handle || backedUp() || socket.readyState !== WebSocket.OPEN) return;
      const data = inbox.shift();
      if (data === undefined) return;
      inboxBytes -= data.length;
      handle(data).catch((e: unknown) => {
        // graphql-ws rejects for what its hooks threw; it has already answered what a client got wrong.
        if (!failed)
          o.log.error("WebSocket message handling failed", { message: e instanceof Error ? e.message : String(e) });
        failed = true;
        socket.close(CloseCode.InternalServerError, "Internal server error");
      });
      flow();
    };

    socket.on("message", (data) => {
      const message = String(data);
      inbox.push(message);
      inboxBytes += message.length;
      flow();
    });
    socket.once("error", (e) => {
      // `ws` closes the socket itself (1002 for a malformed frame, 1009 past MAX_BODY_BYTES).
      o.log.warn("WebSocket protocol error", { message: e.message, remote: request.socket.remoteAddress });
    });

    let pongWait: NodeJS.Timeout | undefined;
    const keepAlive = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN || pongWait) return;
      pongWait = setTimeout(() => {
        noPong = true;
        socket.terminate();
      }, o.keepAliveMs);
      socket.once("pong", () => {
        clearTimeout(pongWait);
        pongWait = undefined;
      });
      socket.ping();
    }, o.keepAliveMs);

    const closed = server.opened(
      {
        protocol: socket.protocol,
        // Resolves once the answer is written out: graphql-ws waits for it before a subscription's
        // next event. An answer that cannot be sent (the socket closed) resolves too, counted.
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== WebSocket.OPEN) {
              dropped++;
              return resolve();
            }
            pending++;
            socket.send(data, (e) => {
              pending--;
              if (e) dropped++;
              resolve();
              flow();
            });
            flow();
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) => {
          handle = cb;
        },
      },
      o.extra(socket, request),
    );

    socket.once("close", (code, reason) => {
      clearInterval(keepAlive);
      clearTimeout(pongWait);
      inbox.length = 0;
      const unsent = pending + dropped;
      // A client that says goodbye (1000, 1001) while an event is on its way is ordinary: info.
      const level = code === 1000 || code === 1001 ? "info" : "warn";
      if (unsent > 0)
        o.log[level]("WebSocket closed with answers unsent", {
          code,
          unsent,
          why: noPong ? "no pong within the keep-alive period" : undefined,
          remote: request.socket.remoteAddress,
        });
      void closed(code, String(reason));
    });
  };
  wss.on("connection", onConnection);

  return {
    async dispose() {
      wss.off("connection", onConnection);
      for (const client of wss.clients) client.close(1001, "The server is shutting down.");
      await new Promise<void>((resolve, reject) => wss.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
