import { type Auth, createAuth } from "@sessionkit/auth";
import { createSessionStore, type StoreChoice } from "./session-store";

// The Pages Router's own auth instance: `pages/` is bundled apart from `app/` and `proxy.ts`,
// and lib/auth.ts imports `next/headers`, which `pages/` may not. It shares the store (one
// Redis client, one connection pool) with the other bundles through the same globalThis key;
// every instance reads the same env (AUTH_SECRET, AUTH_ISSUER…), so they open the same cookies.
const STORE = Symbol.for("sessionkit.demo.store");
type Holder = { [STORE]?: Promise<StoreChoice> };
let instance: Promise<Auth> | undefined;

/** The auth instance for `getServerSideProps` and API routes under `pages/`. Created on first use. */
export function getPagesAuth(): Promise<Auth> {
  const holder = globalThis as Holder;
  holder[STORE] ??= createSessionStore();
  instance ??= holder[STORE].then((store) => createAuth({ sessionStore: store.store }));
  return instance;
}
