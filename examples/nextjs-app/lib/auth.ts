import { type Auth, createAuth, type SessionData, type SessionEvent } from "@sessionkit/auth";
import { headers } from "next/headers";
import { deviceLabel } from "./device";
import { createSessionStore, type StoreChoice } from "./session-store";

/** The app's auth instance and the store it runs with. */
export interface DemoAuth {
  auth: Auth;
  store: StoreChoice;
}

// proxy.ts and the app's pages are bundled separately, each with its own copy of
// @sessionkit/auth, but run in one process. The store (one Redis client, one connection
// pool) is shared on globalThis; the auth instance is one per bundle, so the errors it
// throws are instances of that bundle's AuthError and `isAuthError` recognises them.
const STORE = Symbol.for("sessionkit.demo.store");
type Holder = { [STORE]?: Promise<StoreChoice> };
let instance: Promise<DemoAuth> | undefined;

/**
 * Records which device signed in, for the "Your sessions" page. `beforeSessionSaved` is not
 * handed the request, but it runs inside the callback route, which `proxy.ts` serves: there
 * `headers()` reads the callback request's headers (the browser that signed in).
 */
async function withDevice(session: SessionData): Promise<SessionData> {
  const userAgent = await headers().then(
    (requestHeaders) => requestHeaders.get("user-agent"),
    () => null, // called outside a request: no label rather than a refused login
  );
  return { ...session, device: deviceLabel(userAgent) };
}

/** The demo's audit log: one line per session event on the server's output (never a token). */
function logSessionEvent(event: SessionEvent) {
  console.info(`[session] ${JSON.stringify(event)}`);
}

/**
 * Created on first use rather than at import, so `next build` needs no secret.
 * Everything else comes from env: AUTH_SECRET, AUTH_ISSUER, AUTH_CLIENT_ID,
 * AUTH_CLIENT_SECRET, APP_BASE_URL and SESSION_STORE.
 */
export function getAuth(): Promise<DemoAuth> {
  const holder = globalThis as Holder;
  holder[STORE] ??= createSessionStore();
  instance ??= holder[STORE].then((store) => ({
    auth: createAuth({
      sessionStore: store.store,
      beforeSessionSaved: withDevice,
      onSessionEvent: logSessionEvent,
    }),
    store,
  }));
  return instance;
}
