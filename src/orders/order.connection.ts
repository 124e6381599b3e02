/** A page of orders, as the contract's connection. */
import "reflect-metadata";
import { ObjectType } from "type-graphql";
import { Connection } from "../shared/connection.type.js";
import { Order } from "./order.type.js";

@ObjectType({ simpleResolvers: true })
export class OrderConnection extends Connection(Order, "OrderEdge") {}
