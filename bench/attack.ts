/**
 * The attacker of `npm run bench -- --attack`: clients that send, back to back, the worst documents
 * the limits allow and the worst they refuse, while the legitimate scenarios are measured.
 *
 * - refused after parsing: fragments spreading the next one twice for 40 levels (2^80 paths), a
 *   51 directives, 31 aliases;
 * - accepted, as a signed-in customer: an operation just under the cost limit (a page of 100 of their
 *   orders, each with its items, payments, notes and 40 events), alone and in batches of
 *   MAX_BATCH_SIZE (10) such operations, 50 directives, and a chain of fragments as long as the
 *   token limit allows.
 *
 * Answers 429 (MAX_CLIENT_COST_IN_FLIGHT) are counted apart; the attacker does not wait for
 * Retry-After, it sends its next body at once.
 */
import http from "node:http";

/** `{ ...F0 }`, each fragment spreading the next twice: refused at once, whatever `levels`. */
export function fanOut(levels: number): string {
  const out = ["{ ...F0 }"];
  for (let i = 0; i < levels; i++) out.push(`fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  out.push(`fragment F${levels} on Query { orders { nodes { ...G0 } } }`);
  for (let i = 0; i < levels; i++) out.push(`fragment G${i} on Order { ...G${i + 1} ...G${i + 1} }`);
  out.push(`fragment G${levels} on Order { id }`);
  return out.join("\n");
}

const chain = (n: number) =>
  [
    "{ ...C0 }",
    ...Array.from({ length: n }, (_, i) => `fragment C${i} on Query { ...C${i + 1} }`),
    `fragment C${n} on Query { orders(first: 100) { nodes { ref } } }`,
  ].join("\n");
const directives = (n: number) => `{ me { ${Array.from({ length: n }, () => "id @include(if: true)").join(" ")} } }`;
const aliases = (n: number) => `{ me { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(" ")} } }`;
/** 1 + 100 × (1 + 1 + 1 + 1 + (1 + 40 × 1)) = 4,501: under the default cost limit of 5,000. */
const HEAVY = `{ orders(first: 100) { nodes { ref items { name } payments { amount } notes { message } history(first: 40) { nodes { type } } } } }`;

/** The bodies the attacker sends in turn, and whether each is meant to be refused. */
export function attackBodies(): { body: string; refused: boolean; auth: boolean }[] {
  const one = (query: string) => JSON.stringify({ query });
  return [
    { body: one(fanOut(40)), refused: true, auth: false },
    { body: one(chain(1150)), refused: false, auth: true },
    { body: one(directives(51)), refused: true, auth: false },
    { body: one(aliases(31)), refused: true, auth: false },
    { body: one(directives(50)), refused: false, auth: true },
    { body: one(HEAVY), refused: false, auth: true },
    { body: JSON.stringify(Array.from({ length: 10 }, () => ({ query: HEAVY }))), refused: false, auth: true },
  ];
}

export interface Attack {
  sent: number;
  /** Answers 429 TOO_MANY_REQUESTS (MAX_CLIENT_COST_IN_FLIGHT): the attacker retries at once, as one would. */
  throttled: number;
  /** Answers that were not what the document was meant to get (refused when meant to run, or 5xx). */
  unexpected: number;
  stop(): Promise<void>;
}

/** Starts `clients` attackers against `base` (each one request at a time); stop() ends them. */
export function startAttack(base: string, token: string, clients: number): Attack {
  const bodies = attackBodies();
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  let running = true;
  const state: Attack = {
    sent: 0,
    throttled: 0,
    unexpected: 0,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
  const send = (b: (typeof bodies)[number]) =>
    new Promise<void>((resolve) => {
      const req = http.request(
        `${base}/graphql`,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            accept: "application/graphql-response+json",
            ...(b.auth ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (text += d));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const refused = status === 400 && text.includes("QUERY_TOO_COMPLEX");
            // A batch of which some ran is 200, its refused operations answered TOO_MANY_REQUESTS.
            if (status === 429 || text.includes("TOO_MANY_REQUESTS")) state.throttled++;
            else if (status >= 500 || refused !== b.refused) state.unexpected++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        state.unexpected++;
        resolve();
      });
      req.end(b.body);
    });
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = c; running; i++) {
      state.sent++;
      await send(bodies[i % bodies.length]);
    }
  });
  return state;
}
