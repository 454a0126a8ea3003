// A pool of distinct users' session cookies for each library, made with each library's own
// `generateSessionCookie`. Stateful apps get their sessions written to the app's own store.
import { generateSessionCookie as auth0Cookie } from "@auth0/nextjs-auth0/testing";
import type { SessionData as Auth0SessionData } from "@auth0/nextjs-auth0/types";
import type { SessionStore } from "@sessionkit/auth";
import { generateSessionCookie } from "@sessionkit/auth/testing";
import type { nextjsAuth0RedisStore } from "../app/lib/nextjs-auth0-redis-store.ts";
import { nextjsAuth0Session, sessionkitSession } from "./session-fixture.ts";

export interface PooledSession {
  sub: string;
  /** The whole `Cookie` header value. */
  cookie: string;
}

const cookieHeader = (value: string) => {
  // Both libraries split past ~3.5 KB; the fixture stays below so one cookie is the session.
  if (value.length > 3500) throw new Error(`a session cookie of ${value.length} characters`);
  return `__session=${value}`;
};

/** `count` users of sessionkit, stateless or (with `store`) in that store. */
export async function sessionkitPool(
  count: number,
  options: { secret: string; issuer: string; store?: SessionStore | undefined },
): Promise<PooledSession[]> {
  const now = Date.now();
  const pool: PooledSession[] = [];
  for (let i = 0; i < count; i++) {
    const sub = `bench-user-${i}`;
    const session = {
      ...sessionkitSession,
      user: { ...sessionkitSession.user, sub },
      internal: {
        iss: options.issuer,
        sid: `bench-sid-${i}`,
        createdAt: now,
        expiresAt: now + 86_400_000,
      },
    };
    const value = await generateSessionCookie(session, {
      secret: options.secret,
      ...(options.store ? { sessionStore: options.store } : {}),
    });
    pool.push({ sub, cookie: cookieHeader(value) });
  }
  return pool;
}

/**
 * `count` users of nextjs-auth0. Stateless: the whole session in the cookie. With a Redis store:
 * the session written through the app's store object and a cookie holding its id, which is what
 * nextjs-auth0's stateful store seals (`{ id }`); its testing helper seals any payload we give it.
 */
export async function nextjsAuth0Pool(
  count: number,
  options: { secret: string; store?: ReturnType<typeof nextjsAuth0RedisStore> | undefined },
): Promise<PooledSession[]> {
  const pool: PooledSession[] = [];
  for (let i = 0; i < count; i++) {
    const sub = `bench-user-${i}`;
    const session: Auth0SessionData = {
      ...nextjsAuth0Session,
      user: { ...nextjsAuth0Session.user, sub },
      internal: { sid: `bench-sid-${i}`, createdAt: Math.floor(Date.now() / 1000) },
    };
    if (!options.store) {
      pool.push({ sub, cookie: cookieHeader(await auth0Cookie(session, options)) });
      continue;
    }
    const id = `bench-${i}-${Math.random().toString(36).slice(2)}`;
    await options.store.set(id, session);
    const value = await auth0Cookie({ id } as unknown as Auth0SessionData, options);
    pool.push({ sub, cookie: cookieHeader(value) });
  }
  return pool;
}
