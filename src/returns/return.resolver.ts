/**
 * Return mutations (requestReturn for whoever may see the order; the other steps for staff), and the
 * return fields of orders, items and returns, loaded through the request's DataLoaders.
 */
import "reflect-metadata";
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import { Role } from "../auth/auth-checker.js";
import { isStaff } from "../auth/viewer.js";
import { shownItems } from "../orders/order.nodes.js";
import { Order, OrderItem } from "../orders/order.type.js";
import { isErrorResult, type ErrorResult } from "../shared/error-result.js";
import { ZERO, type Money } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";
import { User } from "../users/user.type.js";
import type { ReturnContext } from "./return.context.js";
import type { ReturnRecord } from "./return.model.js";
import { ReceiveReturnInput, RequestReturnInput } from "./return.input.js";
import "./return.node-kinds.js"; // OrderReturn is a Node: registered wherever its fields are
import { toReturnNode } from "./return.nodes.js";
import { RefundReturnResult, RequestReturnResult, ReturnStepResult } from "./return.results.js";
import { returnRefundDue, unitsByItem, wasReceived } from "./return.rules.js";
import { OrderReturn, ReturnLine } from "./return.type.js";

/** A service's return as the union member it is; a refusal as it is. */
function node<E extends ErrorResult>(r: ReturnRecord | E): OrderReturn | E {
  return isErrorResult(r) ? (r as E) : toReturnNode(r as ReturnRecord);
}

@Resolver()
export class ReturnResolver {
  @Mutation(() => RequestReturnResult, {
    description:
      "Ask for shipped units back, with a reason (RETURN_REQUESTED). The owner, a guest with the order's token, or staff; anyone else gets NOT_FOUND. Each quantity is at most what was shipped of the line less what is returned or asked back already (QuantityNotAvailableError), within RETURN_WINDOW_DAYS of the line's latest shipment (ReturnWindowClosedError).",
  })
  async requestReturn(
    @Ctx() ctx: ReturnContext,
    @Arg("ref", () => String, { description: "The order's ref." }) ref: string,
    @Arg("input", () => RequestReturnInput) input: RequestReturnInput,
    @Arg("token", () => String, { nullable: true, description: "The order's token, for a guest." })
    token: string | null,
  ): Promise<typeof RequestReturnResult> {
    return node(await ctx.returns.request(ctx.viewer, ref, token, input));
  }

  @Authorized(Role.STAFF)
  @Mutation(() => ReturnStepResult, {
    description: "Approve a requested return (RETURN_APPROVED). Staff only. `note` is staff's own and stays private.",
  })
  async approveReturn(
    @Ctx() ctx: ReturnContext,
    @Arg("ref", () => String, { description: "The order's ref." }) ref: string,
    @Arg("returnId", () => ID, { description: "The OrderReturn.id." }) returnId: string,
    @Arg("note", () => String, { nullable: true, description: "Staff's own note (staff only)." }) note: string | null,
  ): Promise<typeof ReturnStepResult> {
    return node(await ctx.returns.approve(ctx.viewer, ref, returnId, note));
  }

  @Authorized(Role.STAFF)
  @Mutation(() => ReturnStepResult, {
    description:
      "Decline a requested or approved return (RETURN_DECLINED). Staff only. `reason` is public: the customer reads it in the return and its event. The units may be asked back again.",
  })
  async declineReturn(
    @Ctx() ctx: ReturnContext,
    @Arg("ref", () => String, { description: "The order's ref." }) ref: string,
    @Arg("returnId", () => ID, { description: "The OrderReturn.id." }) returnId: string,
    @Arg("reason", () => String, { description: "Why, up to 1000 characters; the customer sees it." }) reason: string,
  ): Promise<typeof ReturnStepResult> {
    return node(await ctx.returns.decline(ctx.viewer, ref, returnId, reason));
  }

  @Authorized(Role.STAFF)
  @Mutation(() => ReturnStepResult, {
    description:
      "The goods of an approved return came back (RETURN_RECEIVED, with the lines and whether each goes back to stock, for the shop's inventory). Staff only.",
  })
  async receiveReturn(
    @Ctx() ctx: ReturnContext,
    @Arg("ref", () => String, { description: "The order's ref." }) ref: string,
    @Arg("returnId", () => ID, { description: "The OrderReturn.id." }) returnId: string,
    @Arg("input", () => ReceiveReturnInput) input: ReceiveReturnInput,
  ): Promise<typeof ReturnStepResult> {
    return node(await ctx.returns.receive(ctx.viewer, ref, returnId, input));
  }

  @Authorized(Role.STAFF)
  @Mutation(() => RefundReturnResult, {
    description:
      "Give a received return's share of what was paid back through the payments' methods, newest payment first (README, \"Returns\", says how the share is apportioned). Staff only. Never twice: the return becomes REFUNDED. A method that fails answers RefundFailedError; what was refunded before it stays recorded, the return stays RECEIVED with the rest as its amountToRefund, and asking again refunds only that rest.",
  })
  async refundReturn(
    @Ctx() ctx: ReturnContext,
    @Arg("ref", () => String, { description: "The order's ref." }) ref: string,
    @Arg("returnId", () => ID, { description: "The OrderReturn.id." }) returnId: string,
  ): Promise<typeof RefundReturnResult> {
    return node(await ctx.returns.refund(ctx.viewer, ref, returnId));
  }
}

@Resolver(() => Order)
export class OrderReturnFieldsResolver {
  @FieldResolver(() => [OrderReturn], { description: "The order's returns, oldest first." })
  async returns(@Root() order: Pick<Order, "id">, @Ctx() ctx: ReturnContext): Promise<OrderReturn[]> {
    return (await ctx.loaders.returns.load(order.id)).map(toReturnNode);
  }
}

@Resolver(() => OrderItem)
export class ItemReturnFieldsResolver {
  @FieldResolver(() => Int, {
    description: "How many of its units came back (returns RECEIVED or REFUNDED).",
  })
  async quantityReturned(
    @Root() item: Pick<OrderItem, "id"> & { orderId: number },
    @Ctx() ctx: ReturnContext,
  ): Promise<number> {
    const returns = await ctx.loaders.returns.load(item.orderId);
    return unitsByItem(returns, wasReceived).get(item.id) ?? 0;
  }
}

@Resolver(() => OrderReturn)
export class ReturnFieldsResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: "Staff's own note on approving or receiving it. Staff only: null for other callers.",
  })
  staffNote(@Root() r: Pick<OrderReturn, "staffNote">, @Ctx() ctx: ReturnContext): string | null {
    return isStaff(ctx.viewer) ? r.staffNote : null;
  }

  @FieldResolver(() => DecimalScalar, {
    description:
      'What refundReturn would give back now: for a RECEIVED return, its share of what was paid (README, "Returns") less amountRefunded, which is the rest of it when a payment method failed part-way through its refund; 0.00 in any other status (REFUNDED: nothing is owed any more).',
  })
  async amountToRefund(
    @Root() r: Pick<OrderReturn, "id" | "orderId" | "status">,
    @Ctx() ctx: ReturnContext,
  ): Promise<Money> {
    if (r.status !== "RECEIVED") return ZERO;
    const [facts, returns] = await Promise.all([
      ctx.loaders.refundFacts.load(r.orderId),
      ctx.loaders.returns.load(r.orderId),
    ]);
    return facts ? returnRefundDue({ ...facts, returns }, r.id) : ZERO;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: "The signed-in user who asked for it (null for a guest). Staff only: null for other callers.",
  })
  requestedBy(@Root() r: Pick<OrderReturn, "requestedById">, @Ctx() ctx: ReturnContext): Promise<User | null> | null {
    return r.requestedById === null || !isStaff(ctx.viewer) ? null : ctx.loaders.users.load(r.requestedById);
  }
}

@Resolver(() => ReturnLine)
export class ReturnLineFieldsResolver {
  @FieldResolver(() => OrderItem, { nullable: true, description: "The order line returned." })
  async item(
    @Root() line: Pick<ReturnLine, "orderId" | "itemId">,
    @Ctx() ctx: ReturnContext,
  ): Promise<OrderItem | null> {
    return shownItems(await ctx.loaders.items.load(line.orderId)).find((i) => i.id === line.itemId) ?? null;
  }
}
