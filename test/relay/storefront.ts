/**
 * A Relay storefront's documents, as a team would write them against the Orders API with the client
 * kit (client/relay.config.json): relay-compiler compiles them in test/integration/relay.test.ts,
 * which then runs the compiled artifacts with relay-runtime against a real server. (The `graphql`
 * tags are read by the compiler; they are never run.)
 */
import { graphql } from "relay-runtime";

/** A customer's orders, a page at a time (Relay's connection: usePaginationFragment's query). */
export const MyOrders = graphql`
  query StorefrontMyOrdersQuery($count: Int = 10, $cursor: String) {
    ...StorefrontMyOrders_query @arguments(count: $count, cursor: $cursor)
  }
`;

export const MyOrdersList = graphql`
  fragment StorefrontMyOrders_query on Query
  @refetchable(queryName: "StorefrontMyOrdersPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    orders(first: $count, after: $cursor) @connection(key: "StorefrontMyOrders_orders") {
      edges {
        node {
          id
          ref
          ...StorefrontOrder_order
        }
      }
    }
  }
`;

/** One order as the storefront shows it, refetchable on its own (through `node`). */
export const OrderCard = graphql`
  fragment StorefrontOrder_order on Order @refetchable(queryName: "StorefrontOrderRefetchQuery") {
    id
    ref
    status
    statusDisplay
    isPaid
    total
    amountPaid
    amountOutstanding
    dateCreated
    extra
    items {
      id
      name
      quantity
      unitPrice
      total
      product
    }
    payments {
      id
      amount
      paymentMethodLabel
      dateCreated
    }
    user {
      id
      email
    }
  }
`;

/** An order by its global id, the card spread through `node`. */
export const OrderByNode = graphql`
  query StorefrontOrderByNodeQuery($nodeId: ID!) {
    node(id: $nodeId) {
      __typename
      ...StorefrontOrder_order @alias
    }
  }
`;
