import type { SessionStore } from "@sessionkit/auth";
import { requireEnv, storeKind } from "./types";

/** sessionkit's own drivers, each loaded only when chosen; `undefined` means cookie sessions. */
export async function createStore(): Promise<SessionStore | undefined> {
  switch (storeKind()) {
    case "cookie":
      return undefined;
    case "redis": {
      const [{ Redis }, { redisStore }] = await Promise.all([
        import("ioredis"),
        import("@sessionkit/store-redis"),
      ]);
      const client = new Redis(requireEnv("REDIS_URL"), { maxRetriesPerRequest: 1 });
      client.on("error", () => {}); // reported by the store on the requests it affects
      return redisStore(client, { prefix: `${requireEnv("BENCH_REDIS_PREFIX")}sk:` });
    }
    case "prisma": {
      const [{ PrismaPg }, { prismaStore }, { PrismaClient }] = await Promise.all([
        import("@prisma/adapter-pg"),
        import("@sessionkit/store-prisma"),
        import("../generated/prisma/client"),
      ]);
      const adapter = new PrismaPg(
        { connectionString: requireEnv("DATABASE_URL"), max: 10 },
        { schema: requireEnv("BENCH_PG_SCHEMA") },
      );
      return prismaStore(new PrismaClient({ adapter }));
    }
    case "dynamodb": {
      const [{ DynamoDBClient }, { dynamoDbStore }] = await Promise.all([
        import("@aws-sdk/client-dynamodb"),
        import("@sessionkit/store-dynamodb"),
      ]);
      // Region and credentials come from the SDK's usual env variables.
      const client = new DynamoDBClient({ endpoint: requireEnv("DYNAMODB_ENDPOINT") });
      return dynamoDbStore(client, { tableName: requireEnv("DYNAMODB_TABLE") });
    }
  }
}
