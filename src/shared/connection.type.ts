/**
 * The Relay connection shape, for every paged list of the API: `XConnection { edges nodes pageInfo
 * totalCount }` and `XEdge { cursor node }`, made from a `Page` (pagination.ts). Each list declares
 * its own named class from this one (type-graphql's generic types):
 *
 *   @ObjectType({ simpleResolvers: true })
 *   export class OrderConnection extends Connection(Order, "OrderEdge") {}
 */
import "reflect-metadata";
import { type ClassType, Field, Int, ObjectType } from "type-graphql";
import { PageInfo } from "./page-info.type.js";
import type { Page } from "./pagination.js";

export interface Edge<T> {
  cursor: string;
  node: T;
}

export function Connection<T extends object>(Node: ClassType<T>, edgeName: string) {
  @ObjectType(edgeName, { simpleResolvers: true })
  class EdgeType implements Edge<T> {
    @Field(() => String) cursor!: string;
    @Field(() => Node) node!: T;
  }

  @ObjectType()
  abstract class ConnectionType {
    @Field(() => [Node]) nodes: T[];
    private edgesMade?: Edge<T>[];
    private pageInfoMade?: PageInfo;

    constructor(private readonly page: Page<T>) {
      this.nodes = page.nodes;
    }

    /** Made when asked for: a page of 100 orders' histories would make 200 cursors no one reads. */
    @Field(() => PageInfo)
    get pageInfo(): PageInfo {
      if (!this.pageInfoMade) {
        const { page } = this;
        const last = page.nodes.length - 1;
        this.pageInfoMade = {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: page.hasPreviousPage,
          startCursor: last >= 0 ? page.cursor(0) : null,
          endCursor: last >= 0 ? page.cursor(last) : null,
        };
      }
      return this.pageInfoMade;
    }

    /** Made when asked for: a cursor per node costs more than most pages need. */
    @Field(() => [EdgeType])
    get edges(): Edge<T>[] {
      return (this.edgesMade ??= this.page.nodes.map((node, i) => ({ cursor: this.page.cursor(i), node })));
    }

    /** Counted when asked for, once. */
    @Field(() => Int)
    get totalCount(): Promise<number> {
      return this.page.countTotal();
    }
  }
  return ConnectionType;
}
