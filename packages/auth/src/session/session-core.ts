import type { AuthConfig } from "../config.js";
import { AuthError, storeUnavailable } from "../errors.js";
import { SessionStoreError } from "../store/session-store-error.js";
import { isSessionData, remainingSeconds } from "../store/stored-session.js";
import type { SessionData, SessionInternal, SessionStore } from "../store/types.js";
import { expClaim, sessionExpiresAt } from "./expiry.js";
import { fromNextjsAuth0 } from "./nextjs-auth0.js";
import { type CryptoEngineName, createSealer, type Sealer } from "./sealer.js";
import {
  type CookieJar,
  type CookieWrite,
  clearSessionCookieWrites,
  findSessionCookie,
  sessionCookieWrites,
} from "./session-cookies.js";

/** A session as a login hands it over: the core fills in `createdAt` and `expiresAt`. */
export interface NewSession {
  user: SessionData["user"];
  tokenSet: SessionData["tokenSet"];
  internal: Pick<SessionInternal, "iss" | "sid"> & Partial<SessionInternal>;
  [field: string]: unknown;
}

/** A new session value, or a function of the current one. */
export type SessionUpdate = SessionData | ((current: SessionData) => SessionData);

/** Where a valid session came from: our stateless cookie, the store, or a nextjs-auth0 cookie. */
export type SessionSource = "cookie" | "store" | "nextjs-auth0";

/** What the request's session cookies amount to. */
export type SessionRead =
  | { kind: "none" }
  /** Unopenable, expired or gone: the response should delete `cookieNames`. */
  | { kind: "invalid"; cookieNames: string[] }
  /** The store failed: no session for now, but the cookie may be fine, so it stays. */
  | { kind: "unavailable"; cookieNames: string[]; error: SessionStoreError }
  | {
      kind: "valid";
      session: SessionData;
      source: SessionSource;
      cookieNames: string[];
      /** Stateful: the random id in the cookie, and the hash of it the store sees. */
      ref?: string;
      storeId?: string;
    };

const NONE: SessionRead = { kind: "none" };

function asStoreError(error: unknown): SessionStoreError {
  return error instanceof SessionStoreError
    ? error
    : new SessionStoreError("STORE_OPERATION_FAILED", "the session store threw", { cause: error });
}

const clone = (session: SessionData): SessionData => structuredClone(session);

/**
 * The session rules, free of any framework: reads a request's cookies into a
 * session and turns saves, rolls and deletes into cookie writes (and store
 * calls). The Next.js layer maps requests and responses onto it.
 */
export interface SessionCore {
  readonly config: AuthConfig;
  readonly sealer: Sealer;
  read(jar: CookieJar, now?: number): Promise<SessionRead>;
  /** Extends a valid session (rolling) or moves it into our format; `[]` when nothing changes. */
  roll(read: Extract<SessionRead, { kind: "valid" }>, now?: number): Promise<CookieWrite[]>;
  /** Starts a new session (fresh store id); the request's old one is discarded. */
  save(jar: CookieJar, session: NewSession, now?: number): Promise<CookieWrite[]>;
  /** Replaces the data of the request's session, keeping its `internal` bookkeeping. */
  update(jar: CookieJar, update: SessionUpdate, now?: number): Promise<CookieWrite[]>;
  /** Ends the request's session: store record and every session cookie. Never throws. `current`: its `read`, if done. */
  destroy(jar: CookieJar, current?: SessionRead): Promise<CookieWrite[]>;
  clear(cookieNames: readonly string[]): CookieWrite[];
}

/** Options of {@link createSessionCore} beyond the resolved config. */
export interface SessionCoreOptions {
  /** Which crypto engine seals and opens; tests pin each one. @default "auto" */
  engine?: CryptoEngineName;
}

export function createSessionCore(
  config: AuthConfig,
  options: SessionCoreOptions = {},
): SessionCore {
  const sealer = createSealer(config.secrets, options.engine);
  const { engine } = sealer;
  const store: SessionStore | undefined = config.sessionStore;
  const cookieName = config.cookie.name;
  let storeFailing = false;

  // One log line per outage, not one per request: the first failure, then the recovery.
  const storeFailed = (error: unknown) => {
    const storeError = asStoreError(error);
    if (!storeFailing) {
      storeFailing = true;
      config.logger.error(
        `sessionkit: the session store failed (${storeError.code}); requests are treated as signed out until it recovers`,
        storeError,
      );
    }
    return storeError;
  };
  const storeOk = () => {
    if (storeFailing) {
      storeFailing = false;
      config.logger.warn("sessionkit: the session store recovered");
    }
  };

  const invalid = (cookieNames: string[]): SessionRead => ({ kind: "invalid", cookieNames });
  const alive = (session: SessionData, now: number) =>
    session.internal.expiresAt > now && session.internal.createdAt + config.absoluteDuration > now;

  const writesFor = async (
    payload: Record<string, unknown>,
    expiresAt: number,
    present: readonly string[],
    now: number,
  ) => {
    const value = await sealer.seal({ exp: expClaim(expiresAt), ...payload });
    // Rounded up exactly as drivers round the store TTL, so cookie and record end together.
    const maxAge = config.cookie.transient ? undefined : remainingSeconds(expiresAt, now);
    return sessionCookieWrites(cookieName, value, maxAge, present);
  };

  /** Stores `session` under a fresh id and answers the cookie writes that carry it. */
  const storeFresh = async (session: SessionData, present: readonly string[], now: number) => {
    const ref = engine.randomId();
    try {
      await store!.set(await engine.sha256(ref), session, {
        expiresAt: session.internal.expiresAt,
      });
      storeOk();
    } catch (error) {
      throw storeUnavailable(storeFailed(error));
    }
    return writesFor({ ref }, session.internal.expiresAt, present, now);
  };

  /** Stateless cookie, or the store plus a cookie with its id. */
  const persistNew = (session: SessionData, present: readonly string[], now: number) =>
    store
      ? storeFresh(session, present, now)
      : writesFor({ ses: session }, session.internal.expiresAt, present, now);

  async function read(jar: CookieJar, now = Date.now()): Promise<SessionRead> {
    const found = findSessionCookie(jar, cookieName);
    if (!found) return NONE;
    const { value, names } = found;
    if (value === null) return invalid(names);
    const opened = await sealer.open(value);
    if (!opened) return invalid(names);

    if (opened.format === "nextjs-auth0") {
      const session = fromNextjsAuth0(opened.payload, config.issuer);
      return session && alive(session, now)
        ? { kind: "valid", session, source: "nextjs-auth0", cookieNames: names }
        : invalid(names);
    }

    const { exp, ses, ref } = opened.payload;
    if (typeof exp !== "number" || exp * 1000 <= now) return invalid(names);
    if (ses !== undefined) {
      return isSessionData(ses) && alive(ses, now)
        ? { kind: "valid", session: ses, source: "cookie", cookieNames: names }
        : invalid(names);
    }
    if (typeof ref !== "string" || !store) return invalid(names);
    const storeId = await engine.sha256(ref);
    let session: SessionData | null;
    try {
      session = await store.get(storeId);
      storeOk();
    } catch (error) {
      return { kind: "unavailable", cookieNames: names, error: storeFailed(error) };
    }
    // `null` is a logged-out, expired or evicted session: its cookie is dead. A third-party store
    // breaking the contract with a malformed record must not become a TypeError (a 500) either.
    if (!isSessionData(session) || !alive(session, now)) return invalid(names);
    return { kind: "valid", session, source: "store", cookieNames: names, ref, storeId };
  }

  async function roll(
    current: Extract<SessionRead, { kind: "valid" }>,
    now = Date.now(),
  ): Promise<CookieWrite[]> {
    const migrating = current.source === "nextjs-auth0" || (store && current.source === "cookie");
    if (!config.rolling && !migrating) return [];
    const { internal } = current.session;
    const expiresAt = config.rolling
      ? sessionExpiresAt(config, internal.createdAt, now)
      : Math.min(internal.expiresAt, internal.createdAt + config.absoluteDuration);
    if (expiresAt <= now) return clear(current.cookieNames);
    const session = { ...current.session, internal: { ...internal, expiresAt } };

    if (!store || !current.storeId) {
      try {
        return await persistNew(session, current.cookieNames, now);
      } catch {
        return []; // the store is down (already logged): leave the cookie for later
      }
    }
    let written: boolean;
    try {
      written = await store.update(current.storeId, session, { expiresAt });
      storeOk();
    } catch (error) {
      storeFailed(error);
      return [];
    }
    if (!written) return clear(current.cookieNames);
    return writesFor({ ref: current.ref }, expiresAt, current.cookieNames, now);
  }

  async function save(jar: CookieJar, input: NewSession, now = Date.now()) {
    const createdAt = now;
    const session = {
      ...input,
      internal: {
        ...input.internal,
        createdAt,
        expiresAt: sessionExpiresAt(config, createdAt, now),
      },
    } as SessionData;
    if (!isSessionData(session)) {
      throw new AuthError(
        "AUTH_CONFIG_INVALID",
        "saveSession: the session needs user.sub and internal.iss",
      );
    }
    const previous = store ? await read(jar, now) : undefined;
    if (previous?.kind === "valid" && previous.storeId) await forget(previous.storeId);
    const present = findSessionCookie(jar, cookieName)?.names ?? [];
    return persistNew(session, present, now);
  }

  async function update(jar: CookieJar, change: SessionUpdate, now = Date.now()) {
    const current = await read(jar, now);
    if (current.kind === "unavailable") {
      throw storeUnavailable(current.error);
    }
    if (current.kind !== "valid") {
      throw new AuthError("AUTH_SESSION_MISSING", "updateSession: the request has no session");
    }
    const next = typeof change === "function" ? change(clone(current.session)) : change;
    const { internal } = current.session;
    const expiresAt = config.rolling
      ? sessionExpiresAt(config, internal.createdAt, now)
      : internal.expiresAt;
    const session = { ...next, internal: { ...internal, expiresAt } } as SessionData;
    if (!isSessionData(session)) {
      throw new AuthError("AUTH_CONFIG_INVALID", "updateSession: the session needs a user.sub");
    }
    if (!store || !current.storeId) return persistNew(session, current.cookieNames, now);
    let written: boolean;
    try {
      written = await store.update(current.storeId, session, { expiresAt });
      storeOk();
    } catch (error) {
      throw storeUnavailable(storeFailed(error));
    }
    if (!written) {
      throw new AuthError("AUTH_SESSION_MISSING", "updateSession: the session has ended");
    }
    return writesFor({ ref: current.ref }, expiresAt, current.cookieNames, now);
  }

  async function forget(storeId: string) {
    try {
      await store!.delete(storeId);
      storeOk();
    } catch (error) {
      storeFailed(error);
    }
  }

  async function destroy(jar: CookieJar, current?: SessionRead): Promise<CookieWrite[]> {
    // A caller that already read the session (logout) need not open and hash the cookie again.
    if (current?.kind === "valid") {
      if (current.storeId) await forget(current.storeId);
      return clear(current.cookieNames);
    }
    const found = findSessionCookie(jar, cookieName);
    if (store && found?.value) {
      const opened = await sealer.open(found.value);
      const ref = opened?.format === "sessionkit" ? opened.payload.ref : undefined;
      if (typeof ref === "string") await forget(await engine.sha256(ref));
    }
    return clear(found?.names ?? []);
  }

  function clear(cookieNames: readonly string[]): CookieWrite[] {
    return clearSessionCookieWrites(cookieName, cookieNames);
  }

  return { config, sealer, read, roll, save, update, destroy, clear };
}
