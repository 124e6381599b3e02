/** Per-request loader of users by id (an order's owner, an event's actor). */
import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client.js";
import { oneBy } from "../shared/records.js";
import { usersByIds, type UserRecord } from "./user.repository.js";

export interface UserLoaders {
  users: DataLoader<number, UserRecord | null>;
}

export function createUserLoaders(prisma: PrismaClient): UserLoaders {
  return { users: new DataLoader(async (ids) => oneBy(ids, await usersByIds(prisma, ids), (u) => u.id)) };
}
