import { redisStore } from "@sessionkit/store-redis";
import { Redis } from "ioredis";
import type { StoreChoice } from "../session-store";
import { redactUrl } from "../store-kind";

type Env = Readonly<Record<string, string | undefined>>;

/** Sessions in Redis: `REDIS_URL`, keys under `SESSION_REDIS_PREFIX`. */
export function createRedisStore(env: Env): StoreChoice {
  const url = env.REDIS_URL;
  if (!url)
    throw new Error("SESSION_STORE=redis needs REDIS_URL (`pnpm start` starts a Redis for you)");
  const prefix = env.SESSION_REDIS_PREFIX || "sessionkit-demo:";
  // Fail fast while Redis is down instead of queueing requests behind it.
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  client.on("error", () => {
    // Reported by the store as STORE_UNAVAILABLE on the requests it affects.
  });
  return {
    kind: "redis",
    store: redisStore(client, { prefix }),
    details: { server: redactUrl(url), "key prefix": prefix },
  };
}
