import { PrismaPg } from "@prisma/adapter-pg";
import { prismaStore } from "@sessionkit/store-prisma";
import { PrismaClient } from "../../generated/prisma/client";
import type { StoreChoice } from "../session-store";
import { redactUrl } from "../store-kind";

type Env = Readonly<Record<string, string | undefined>>;

/** Sessions in PostgreSQL through Prisma: `DATABASE_URL`, table in schema `SESSION_DB_SCHEMA`. */
export function createPrismaStore(env: Env): StoreChoice {
  const url = env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "SESSION_STORE=prisma needs DATABASE_URL (`pnpm start` starts a PostgreSQL for you)",
    );
  }
  const schema = env.SESSION_DB_SCHEMA || "sessionkit_demo";
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: 5 }, { schema }),
  });
  return {
    kind: "prisma",
    store: prismaStore(prisma),
    details: { database: redactUrl(url), schema, table: "sessionkit_sessions" },
  };
}
