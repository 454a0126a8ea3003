import { type Auth, createAuth } from "@sessionkit/auth";
import { createSessionStore, type StoreChoice } from "./session-store";

/** The app's auth instance and the store it runs with. */
export interface DemoAuth {
  auth: Auth;
  store: StoreChoice;
}

// proxy.ts and the app's pages are bundled separately but run in one process:
// keep one instance (one Redis client, one connection pool) on globalThis.
const INSTANCE = Symbol.for("sessionkit.demo.auth");
type Holder = { [INSTANCE]?: Promise<DemoAuth> };

/**
 * Created on first use rather than at import, so `next build` needs no secret.
 * Everything else comes from env: AUTH_SECRET, AUTH_ISSUER, AUTH_CLIENT_ID,
 * AUTH_CLIENT_SECRET, APP_BASE_URL and SESSION_STORE.
 */
export function getAuth(): Promise<DemoAuth> {
  const holder = globalThis as Holder;
  holder[INSTANCE] ??= createSessionStore().then((store) => ({
    auth: createAuth({ sessionStore: store.store }),
    store,
  }));
  return holder[INSTANCE];
}
