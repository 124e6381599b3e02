/** A page of orders, as the contract's connection. */
import "reflect-metadata";
import { Field, ObjectType } from "type-graphql";
import { PageInfo } from "../shared/page-info.type.js";
import type { Page } from "../shared/pagination.js";
import { Order } from "./order.type.js";
import type { OrderRecord } from "./order.model.js";

@ObjectType({ simpleResolvers: true })
export class OrderEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Order) node!: Order;
}

@ObjectType({ simpleResolvers: true })
export class OrderConnection {
  @Field(() => [Order]) nodes: Order[];
  @Field(() => PageInfo) pageInfo: PageInfo;

  constructor(private readonly page: Page<OrderRecord>) {
    this.nodes = page.nodes;
    const last = page.nodes.length - 1;
    this.pageInfo = {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: last >= 0 ? page.cursor(0) : null,
      endCursor: last >= 0 ? page.cursor(last) : null,
    };
  }

  /** Made when asked for: a cursor per order costs more than most pages need. */
  @Field(() => [OrderEdge])
  get edges(): OrderEdge[] {
    return (this.edgesMade ??= this.page.nodes.map((node, i) => ({ cursor: this.page.cursor(i), node })));
  }
  private edgesMade?: OrderEdge[];

  /** Counted only when the field is asked for (see the connection's field resolver). */
  countTotal(): Promise<number> {
    return this.page.countTotal();
  }
}
