import type { SessionStore } from "@sessionkit/auth";
import { type StoreKind, storeKindFrom } from "./store-kind";

/** The store the app runs with, and what the store page tells about it. */
export interface StoreChoice {
  kind: StoreKind;
  /** `undefined` for stateless cookie sessions. */
  store: SessionStore | undefined;
  /** Where the sessions live, for display (no credentials). */
  details: Record<string, string>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Builds the store `SESSION_STORE` names; each driver loads only when chosen. */
export async function createSessionStore(env: Env = process.env): Promise<StoreChoice> {
  const kind = storeKindFrom(env.SESSION_STORE);
  switch (kind) {
    case "cookie":
      return {
        kind,
        store: undefined,
        details: { where: "an encrypted cookie (JWE) in the browser", server: "none" },
      };
    case "redis":
      return (await import("./stores/redis")).createRedisStore(env);
    case "prisma":
      return (await import("./stores/prisma")).createPrismaStore(env);
    case "dynamodb":
      return (await import("./stores/dynamodb")).createDynamoDbStore(env);
  }
}
