export {
  type PrismaSessionStore,
  type PrismaStoreOptions,
  type PurgeExpiredOptions,
  prismaStore,
} from "./prisma-store.js";
