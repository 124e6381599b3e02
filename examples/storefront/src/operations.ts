/**
 * The storefront's operations, written inline with the client preset's graphql(). Each is typed
 * once `npm run codegen` has read it (the preset finds graphql() calls in src/): until then
 * graphql() has no overload for the new text, returns `unknown`, and sending it does not compile.
 */
import { graphql } from "./gql";

/** The signed-in customer's orders, newest first, with what each can be paid with. */
export const MyOrders = graphql(`
  query MyOrders($first: Int) {
    orders(first: $first) {
      totalCount
      nodes {
        ref
        status
        statusDisplay
        total
        currency
        amountOutstanding
        isPaid
        paymentMethods {
          identifier
          error
        }
      }
    }
  }
`);

/**
 * Pays an order: a redirect to the payment page, or a refusal. Every refusal implements
 * ErrorResult, so one inline fragment reads the code and message of any of them.
 */
export const PayOrder = graphql(`
  mutation PayOrder($ref: String!, $paymentMethod: String!) {
    payOrder(ref: $ref, paymentMethod: $paymentMethod) {
      __typename
      ... on PaymentRedirect {
        url
      }
      ... on ErrorResult {
        errorCode
        message
      }
    }
  }
`);
