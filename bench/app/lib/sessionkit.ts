import { type Auth, createAuth, type SessionStore } from "@sessionkit/auth";
import type { NextRequest } from "next/server";
import { createStore } from "./sessionkit-store";
import type { BenchAuth, BenchUser } from "./types";

// proxy.ts and the app are separate bundles in one process: one store (one client, one pool)
// on globalThis, one auth instance per bundle.
const STORE = Symbol.for("sessionkit.bench.store");
type Holder = { [STORE]?: Promise<SessionStore | undefined> };
let instance: Promise<Auth> | undefined;

/** Everything but the store comes from env: AUTH_SECRET, AUTH_ISSUER, AUTH_CLIENT_ID, … */
function getAuth(): Promise<Auth> {
  const holder = globalThis as Holder;
  holder[STORE] ??= createStore();
  instance ??= holder[STORE].then((sessionStore) =>
    createAuth(sessionStore ? { sessionStore } : {}),
  );
  return instance;
}

export const bench: BenchAuth = {
  async proxy(request: NextRequest) {
    return (await getAuth()).middleware(request);
  },
  async readUser(): Promise<BenchUser | null> {
    const session = await (await getAuth()).getSession();
    return session ? { sub: session.user.sub } : null;
  },
};
