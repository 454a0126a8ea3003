import { randomBytes } from "node:crypto";
import type { SessionData, SessionStore } from "@sessionkit/auth/store";
import { assertIsStore, type TestSessionStoreOptions } from "./options.js";

/** An id like the ones the core hands stores: a hash of the cookie's random id. */
export const newId = () => randomBytes(32).toString("base64url");

/** A value no other test uses, so tests sharing a backend never meet. */
export const unique = (label: string) => `${label}-${randomBytes(6).toString("hex")}`;

/** An issuer of its own for one test. */
export const newIssuer = () => `https://${unique("op")}.example.com/`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a test session looks like. */
export interface SessionSpec {
  iss: string;
  sub: string;
  sid?: string;
  /** Lifetime from now, in milliseconds. @default 600_000 */
  lifetime?: number;
  /** Extra top-level fields, as apps add them. */
  extra?: Record<string, unknown>;
}

/** A realistic session: the shape the core writes. */
export function makeSession({
  iss,
  sub,
  sid,
  lifetime = 600_000,
  extra,
}: SessionSpec): SessionData {
  const now = Date.now();
  return {
    user: { sub, name: "Ada Lovelace", email: "ada@example.com", email_verified: true },
    tokenSet: {
      accessToken: randomBytes(48).toString("base64url"),
      idToken: `eyJhbGciOiJSUzI1NiJ9.${randomBytes(96).toString("base64url")}.sig`,
      refreshToken: randomBytes(32).toString("base64url"),
      expiresAt: now + 3_600_000,
      scope: "openid profile email offline_access",
      tokenType: "Bearer",
    },
    internal: {
      iss,
      ...(sid === undefined ? {} : { sid }),
      createdAt: now,
      expiresAt: now + lifetime,
    },
    ...extra,
  };
}

/** `set`/`update` options for a session that lives `lifetime` more milliseconds. */
export const lasting = (lifetime = 600_000) => ({ expiresAt: Date.now() + lifetime });

/** Writes `session` with the lifetime its `internal.expiresAt` says. */
export const put = (store: SessionStore, id: string, session: SessionData) =>
  store.set(id, session, { expiresAt: session.internal.expiresAt });

/**
 * Says, before a test checks its own rule, that the session is already expired as far as
 * `get()` goes: when a store serves expired sessions, the test fails here, naming the expiry
 * rule, instead of blaming the method under test.
 */
export async function expectExpiredFirst(
  expect: (actual: unknown, message: string) => { toBeNull(): void },
  store: SessionStore,
  id: string,
  checking: string,
): Promise<void> {
  expect(
    await store.get(id),
    `precondition of this ${checking} test: get() still serves the session past its expiresAt, so the expiry rule broke ("is never served past expiresAt"), not ${checking}`,
  ).toBeNull();
}

/** Runs `test` with a fresh store from the options, always destroying it afterwards. */
export async function withStore<S extends SessionStore>(
  options: TestSessionStoreOptions<S>,
  test: (store: S) => Promise<void>,
): Promise<void> {
  const store = await options.createStore();
  assertIsStore(store, options.name);
  try {
    await test(store);
  } finally {
    await options.destroyStore?.(store);
  }
}

/** Settles within `ms` or fails saying the call hung. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A small deterministic PRNG, so a failing concurrency run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
