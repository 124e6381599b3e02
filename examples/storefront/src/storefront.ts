/**
 * A customer's view of the Orders API, from the command line:
 *   npm start                      lists my orders
 *   npm start -- pay <ref> [method]  pays one (by default with the first method that can pay it)
 * ORDERS_API_URL (default http://127.0.0.1:4000/graphql) and ORDERS_API_TOKEN (a customer's API
 * token, such as one the demo prints) say where and who.
 */
import { createClient, GraphQLRequestError } from "./client";
import { MyOrders, PayOrder } from "./operations";

const request = createClient(
  process.env.ORDERS_API_URL ?? "http://127.0.0.1:4000/graphql",
  process.env.ORDERS_API_TOKEN,
);

async function list(): Promise<number> {
  const { orders } = await request(MyOrders, { first: 20 });
  console.log(`${orders.totalCount} orders`);
  for (const o of orders.nodes) {
    const payable = o.paymentMethods.filter((m) => m.error === null).map((m) => m.identifier);
    console.log(
      [
        o.ref,
        o.statusDisplay.padEnd(10),
        `${o.total} ${o.currency}`.padStart(12),
        o.isPaid ? "paid" : `outstanding ${o.amountOutstanding}`,
        payable.length ? `pay with: ${payable.join(", ")}` : "",
      ]
        .join("  ")
        .trimEnd(),
    );
  }
  return 0;
}

async function pay(ref: string, method: string | undefined): Promise<number> {
  let paymentMethod = method;
  if (!paymentMethod) {
    const { orders } = await request(MyOrders, { first: 100 });
    const order = orders.nodes.find((o) => o.ref === ref);
    paymentMethod = order?.paymentMethods.find((m) => m.error === null)?.identifier ?? "credit-card";
  }
  const { payOrder } = await request(PayOrder, { ref, paymentMethod });
  // The union member tells what happened; every refusal has the ErrorResult fields.
  if (payOrder.__typename === "PaymentRedirect") {
    console.log(`pay ${ref} with ${paymentMethod} at ${payOrder.url}`);
    return 0;
  }
  console.log(`refused (${payOrder.errorCode}): ${payOrder.message}`);
  return 2;
}

async function main(args: string[]): Promise<number> {
  const [command, ref, method] = args;
  if (!command || command === "list") return list();
  if (command === "pay" && ref) return pay(ref, method);
  console.error("usage: storefront [list] | pay <ref> [method]");
  return 64;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof GraphQLRequestError ? e.message : e);
    process.exit(1);
  },
);
