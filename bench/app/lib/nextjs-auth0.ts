import { Auth0Client } from "@auth0/nextjs-auth0/server";
import type { SessionDataStore } from "@auth0/nextjs-auth0/types";
import type { NextRequest } from "next/server";
import type { BenchAuth, BenchUser } from "./types";
import { requireEnv, storeKind } from "./types";

// One store for both bundles (proxy.ts and the app), as in the sessionkit build.
const STORE = Symbol.for("nextjs-auth0.bench.store");
type Holder = { [STORE]?: Promise<SessionDataStore | undefined> };
let instance: Promise<Auth0Client> | undefined;

async function createStore(): Promise<SessionDataStore | undefined> {
  const kind = storeKind();
  if (kind === "cookie") return undefined;
  if (kind !== "redis") throw new Error(`the nextjs-auth0 build has no ${kind} store`);
  const [{ Redis }, { nextjsAuth0RedisStore }] = await Promise.all([
    import("ioredis"),
    import("./nextjs-auth0-redis-store"),
  ]);
  const client = new Redis(requireEnv("REDIS_URL"), { maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  return nextjsAuth0RedisStore(client, `${requireEnv("BENCH_REDIS_PREFIX")}a0:`);
}

/** Everything but the store comes from env: AUTH0_SECRET, AUTH0_DOMAIN, AUTH0_CLIENT_ID, … */
function getClient(): Promise<Auth0Client> {
  const holder = globalThis as Holder;
  holder[STORE] ??= createStore();
  instance ??= holder[STORE].then(
    (sessionStore) => new Auth0Client(sessionStore ? { sessionStore } : {}),
  );
  return instance;
}

export const bench: BenchAuth = {
  async proxy(request: NextRequest) {
    return (await getClient()).middleware(request);
  },
  async readUser(): Promise<BenchUser | null> {
    const session = await (await getClient()).getSession();
    return session ? { sub: session.user.sub } : null;
  },
};
