/**
 * A typed GraphQL client in a few lines: fetch, and the document's own types. Any client that takes
 * a TypedDocumentNode (Apollo Client, urql, graphql-request) reads the same documents; Apollo Client
 * also needs client/possible-types.json (README, "Client kit").
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

/** An answer with errors: the request was refused as a whole (UNAUTHENTICATED, BAD_USER_INPUT…). */
export class GraphQLRequestError extends Error {
  constructor(readonly errors: { message: string; extensions?: { code?: string } }[]) {
    super(errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; "));
  }
}

/** Variables may be left out of an operation that takes none. */
type VariablesOf<V> = V extends { [key: string]: never } ? [] : [variables: V];

export function createClient(url: string, token?: string) {
  return async function request<R, V>(document: TypedDocumentNode<R, V>, ...[variables]: VariablesOf<V>): Promise<R> {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await res.json()) as { data?: R | null; errors?: GraphQLRequestError["errors"] };
    if (body.errors?.length || !body.data) throw new GraphQLRequestError(body.errors ?? []);
    return body.data;
  };
}
