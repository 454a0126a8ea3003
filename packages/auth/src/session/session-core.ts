import type { AuthConfig } from "../config.js";
import { AuthError, storeUnavailable } from "../errors.js";
import { discover } from "../oidc/discovery.js";
import { SessionStoreError } from "../store/session-store-error.js";
import { isSessionData, remainingSeconds } from "../store/stored-session.js";
import type { SessionData, SessionInternal, SessionStore, TokenSet } from "../store/types.js";
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
import type { SessionEndReason, SessionEvent } from "./session-events.js";

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

/** A request's valid session. */
export interface ValidSessionRead {
  kind: "valid";
  session: SessionData;
  source: SessionSource;
  cookieNames: string[];
  /** When the session ends as this request knows it (epoch ms): the cookie's, for store sessions. */
  expiresAt: number;
  /** Stateful: the random id in the cookie, and the hash of it the store sees. */
  ref?: string;
  storeId?: string;
}

/** What the request's session cookies amount to. */
export type SessionRead =
  | { kind: "none" }
  /** Unopenable, expired or gone: the response should delete `cookieNames`. */
  | { kind: "invalid"; cookieNames: string[]; reason: SessionEndReason }
  /** The store failed: no session for now, but the cookie may be fine, so it stays. */
  | { kind: "unavailable"; cookieNames: string[]; error: SessionStoreError }
  | ValidSessionRead;

const NONE: SessionRead = { kind: "none" };

function asStoreError(error: unknown): SessionStoreError {
  return error instanceof SessionStoreError
    ? error
    : new SessionStoreError("STORE_OPERATION_FAILED", "the session store threw", { cause: error });
}

const clone = (session: SessionData): SessionData => structuredClone(session);

/** What an event's emitter is told; the core adds the time and the public session id. */
export type SessionEventInput = SessionEvent extends infer E
  ? E extends SessionEvent
    ? Omit<E, "at" | "sessionId"> & { storeId?: string }
    : never
  : never;

/**
 * The session rules, free of any framework: reads a request's cookies into a
 * session and turns saves, rolls and deletes into cookie writes (and store
 * calls). The Next.js layer maps requests and responses onto it.
 */
export interface SessionCore {
  readonly config: AuthConfig;
  readonly sealer: Sealer;
  /** The session store (instrumented), when stateful. */
  readonly store: SessionStore | undefined;
  read(jar: CookieJar, now?: number): Promise<SessionRead>;
  /**
   * Extends a valid session (rolling, throttled by `updateAge`: a store `touch`, never a data
   * write) or moves it into our format; `[]` when nothing changes.
   */
  roll(read: ValidSessionRead, now?: number): Promise<CookieWrite[]>;
  /** Starts a new session (fresh store id); the request's old one is discarded. */
  save(jar: CookieJar, session: NewSession, now?: number): Promise<CookieWrite[]>;
  /** Replaces the data of the request's session, keeping its `internal` bookkeeping. */
  update(jar: CookieJar, update: SessionUpdate, now?: number): Promise<CookieWrite[]>;
  /**
   * Writes `session` (already merged onto the current stored value by the caller) for a read
   * session: a store `update`, or a new stateless cookie. Throws `AUTH_SESSION_MISSING` when the
   * stored session has ended meanwhile.
   */
  write(read: ValidSessionRead, session: SessionData, now?: number): Promise<CookieWrite[]>;
  /** Ends the request's session: store record and every session cookie. Never throws. `current`: its `read`, if done. */
  destroy(jar: CookieJar, current?: SessionRead, reason?: SessionEndReason): Promise<CookieWrite[]>;
  /** Clears an invalid session's cookies and reports why it ended. */
  discard(read: Extract<SessionRead, { kind: "invalid" }>): CookieWrite[];
  clear(cookieNames: readonly string[]): CookieWrite[];
  /** The stored session under `storeId` (its token set opened), or `null`; throws the store's error. */
  fetch(storeId: string): Promise<SessionData | null>;
  /** The public id of a stored session: what `listSessions` shows; it cannot be turned into a cookie. */
  publicId(storeId: string): Promise<string>;
  /** Reports a lifecycle event to `onSessionEvent` (and telemetry). Never throws. */
  emit(event: SessionEventInput): void;
}

/** Options of {@link createSessionCore} beyond the resolved config. */
export interface SessionCoreOptions {
  /** Which crypto engine seals and opens; tests pin each one. @default "auto" */
  engine?: CryptoEngineName;
  /** The store to use instead of `config.session.store` (the instrumented one). */
  store?: SessionStore;
  /** Told about every lifecycle event (telemetry). */
  onEvent?: (event: SessionEvent) => void;
}

export function createSessionCore(
  config: AuthConfig,
  options: SessionCoreOptions = {},
): SessionCore {
  const sealer = createSealer(config.secrets, options.engine);
  const tokenSealer = createSealer(config.secrets, options.engine, "stored-tokens");
  const { engine } = sealer;
  const rules = config.session;
  const store: SessionStore | undefined = options.store ?? rules.store;
  const absoluteMs = rules.absoluteDuration * 1000;
  const updateAgeMs = rules.updateAge * 1000;
  const cookieName = config.cookie.name;
  const hook = config.onSessionEvent;
  const onEvent = options.onEvent;
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

  async function publicId(storeId: string): Promise<string> {
    return (await engine.sha256(`sessionkit:public-id:${storeId}`)).slice(0, 32);
  }

  function deliver(event: SessionEvent) {
    onEvent?.(event);
    if (!hook) return;
    try {
      const result = hook(event);
      if (result && typeof (result as Promise<void>).catch === "function") {
        (result as Promise<void>).catch((error) =>
          config.logger.error("sessionkit: onSessionEvent failed", error),
        );
      }
    } catch (error) {
      config.logger.error("sessionkit: onSessionEvent failed", error);
    }
  }

  function emit(input: SessionEventInput): void {
    if (!hook && !onEvent) return;
    const { storeId, ...rest } = input;
    const event = { ...rest, at: Date.now() } as SessionEvent;
    if (storeId === undefined || !hook) {
      deliver(event);
      return;
    }
    publicId(storeId).then(
      (sessionId) => deliver({ ...event, sessionId }),
      () => deliver(event),
    );
  }

  const identity = (session: SessionData) => ({
    iss: session.internal.iss,
    sub: session.user.sub,
    ...(session.internal.sid === undefined ? {} : { sid: session.internal.sid }),
  });

  /** What the store keeps: the token set sealed (unless `sealTokens: false`), never in clear. */
  const toStored = async (session: SessionData): Promise<SessionData> =>
    rules.sealTokens
      ? {
          ...session,
          tokenSet: { sealed: await tokenSealer.seal({ tokens: session.tokenSet }) } as TokenSet,
        }
      : session;
  /** The session with its token set opened; `null` when it cannot be (a secret rotated out). */
  const fromStored = async (session: SessionData): Promise<SessionData | null> => {
    const { sealed } = session.tokenSet as { sealed?: unknown };
    if (typeof sealed !== "string") return session;
    const opened = await tokenSealer.open(sealed);
    const tokens = opened?.format === "sessionkit" ? opened.payload.tokens : undefined;
    if (typeof tokens !== "object" || tokens === null || Array.isArray(tokens)) return null;
    return { ...session, tokenSet: tokens as SessionData["tokenSet"] };
  };

  async function fetch(storeId: string): Promise<SessionData | null> {
    const session = await store!.get(storeId);
    return isSessionData(session) ? fromStored(session) : null;
  }

  const invalid = (cookieNames: string[], reason: SessionEndReason): SessionRead => ({
    kind: "invalid",
    cookieNames,
    reason,
  });
  // Throttled rolling: an expiry pushed out recently is not pushed again (no write, no
  // Set-Cookie). One that would move earlier (a shorter inactivityDuration) is always written.
  const worthRolling = (next: number, current: number) =>
    next < current || next - current >= updateAgeMs;
  const withinAbsolute = (session: SessionData, now: number) =>
    session.internal.createdAt + absoluteMs > now;

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
    const storeId = await engine.sha256(ref);
    try {
      await store!.set(storeId, await toStored(session), {
        expiresAt: session.internal.expiresAt,
      });
      storeOk();
    } catch (error) {
      throw storeUnavailable(storeFailed(error));
    }
    return {
      storeId,
      writes: await writesFor(
        { ref, ea: session.internal.expiresAt },
        session.internal.expiresAt,
        present,
        now,
      ),
    };
  };

  /** Stateless cookie, or the store plus a cookie with its id. */
  const persistNew = async (session: SessionData, present: readonly string[], now: number) =>
    store
      ? storeFresh(session, present, now)
      : {
          storeId: undefined,
          writes: await writesFor({ ses: session }, session.internal.expiresAt, present, now),
        };

  // The issuer a session records must be the one logout tokens carry: the provider's own spelling
  // from discovery (cached), which may differ from the configured one by a trailing slash. If
  // discovery fails, the configured issuer as typed (usually copied from the provider; a URL's
  // href would add a slash that issuers such as `https://accounts.google.com` lack).
  async function sessionIssuer(): Promise<string | undefined> {
    const oidc = config.oidc;
    if (!oidc) return undefined;
    try {
      return (await discover(oidc)).issuer;
    } catch {
      return oidc.issuer;
    }
  }

  async function read(jar: CookieJar, now = Date.now()): Promise<SessionRead> {
    const found = findSessionCookie(jar, cookieName);
    if (!found) return NONE;
    const { value, names } = found;
    if (value === null) return invalid(names, "unreadable-cookie");
    const opened = await sealer.open(value);
    if (!opened) return invalid(names, "unreadable-cookie");
    const acceptCookie = !store || rules.acceptCookieSessions;

    if (opened.format === "nextjs-auth0") {
      if (!acceptCookie) return invalid(names, "unreadable-cookie");
      const session = fromNextjsAuth0(opened.payload, await sessionIssuer());
      if (!session) return invalid(names, "unreadable-cookie");
      if (session.internal.expiresAt <= now || !withinAbsolute(session, now)) {
        return invalid(names, "expired");
      }
      return {
        kind: "valid",
        session,
        source: "nextjs-auth0",
        cookieNames: names,
        expiresAt: session.internal.expiresAt,
      };
    }

    const { exp, ses, ref, ea } = opened.payload;
    if (typeof exp !== "number") return invalid(names, "unreadable-cookie");
    if (exp * 1000 <= now) return invalid(names, "expired");
    if (ses !== undefined) {
      if (!isSessionData(ses) || !acceptCookie) return invalid(names, "unreadable-cookie");
      if (ses.internal.expiresAt <= now || !withinAbsolute(ses, now)) {
        return invalid(names, "expired");
      }
      return {
        kind: "valid",
        session: ses,
        source: "cookie",
        cookieNames: names,
        expiresAt: ses.internal.expiresAt,
      };
    }
    if (typeof ref !== "string" || !store) return invalid(names, "unreadable-cookie");
    const storeId = await engine.sha256(ref);
    let session: SessionData | null;
    try {
      session = await fetch(storeId);
      storeOk();
    } catch (error) {
      return { kind: "unavailable", cookieNames: names, error: storeFailed(error) };
    }
    // `null` is a logged-out, expired or evicted session: its cookie is dead. A third-party store
    // breaking the contract with a malformed record must not become a TypeError (a 500) either.
    if (!isSessionData(session)) return invalid(names, "store-missing");
    if (!withinAbsolute(session, now)) return invalid(names, "expired");
    // The store keeps the record alive (a `touch` moves its expiry, not the data); the cookie's
    // `exp` is the latest expiry this browser was given.
    const cookieExpiry = typeof ea === "number" && ea <= exp * 1000 ? ea : exp * 1000;
    const expiresAt = Math.max(session.internal.expiresAt, cookieExpiry);
    session.internal.expiresAt = expiresAt;
    return {
      kind: "valid",
      session,
      source: "store",
      cookieNames: names,
      expiresAt,
      ref,
      storeId,
    };
  }

  async function roll(current: ValidSessionRead, now = Date.now()): Promise<CookieWrite[]> {
    const migrating = current.source === "nextjs-auth0" || (store && current.source === "cookie");
    if (!rules.rolling && !migrating) return [];
    const { internal } = current.session;
    const expiresAt = rules.rolling
      ? sessionExpiresAt(rules, internal.createdAt, now)
      : Math.min(internal.expiresAt, internal.createdAt + absoluteMs);
    if (expiresAt <= now) {
      emit({ type: "ended", reason: "expired", count: 1, ...identity(current.session) });
      return clear(current.cookieNames);
    }

    if (migrating || !store || !current.storeId) {
      // Throttled: an expiry pushed out recently is not pushed again (no write, no Set-Cookie).
      if (!migrating && !worthRolling(expiresAt, current.expiresAt)) return [];
      const session = { ...current.session, internal: { ...internal, expiresAt } };
      try {
        const { storeId, writes } = await persistNew(session, current.cookieNames, now);
        emit(
          migrating
            ? { type: "created", ...identity(session), ...(storeId ? { storeId } : {}) }
            : { type: "rolled", expiresAt, ...identity(session) },
        );
        return writes;
      } catch {
        return []; // the store is down (already logged): leave the cookie for later
      }
    }
    if (!worthRolling(expiresAt, current.expiresAt)) return [];
    let touched: boolean;
    try {
      touched = await store.touch(current.storeId, { expiresAt });
      storeOk();
    } catch (error) {
      storeFailed(error);
      return [];
    }
    if (!touched) {
      emit({
        type: "ended",
        reason: "store-missing",
        count: 1,
        storeId: current.storeId,
        ...identity(current.session),
      });
      return clear(current.cookieNames);
    }
    emit({ type: "rolled", expiresAt, storeId: current.storeId, ...identity(current.session) });
    return writesFor({ ref: current.ref, ea: expiresAt }, expiresAt, current.cookieNames, now);
  }

  async function save(jar: CookieJar, input: NewSession, now = Date.now()) {
    const createdAt = now;
    const session = {
      ...input,
      internal: {
        ...input.internal,
        createdAt,
        expiresAt: sessionExpiresAt(rules, createdAt, now),
      },
    } as SessionData;
    if (!isSessionData(session)) {
      throw new AuthError(
        "AUTH_INVALID_ARGUMENT",
        "saveSession: the session needs user.sub and internal.iss",
      );
    }
    const previous = store ? await read(jar, now) : undefined;
    if (previous?.kind === "valid" && previous.storeId) await forget(previous.storeId);
    const present = findSessionCookie(jar, cookieName)?.names ?? [];
    const { storeId, writes } = await persistNew(session, present, now);
    emit({ type: "created", ...identity(session), ...(storeId ? { storeId } : {}) });
    return writes;
  }

  async function write(
    current: ValidSessionRead,
    next: SessionData,
    now = Date.now(),
  ): Promise<CookieWrite[]> {
    const { internal } = current.session;
    const expiresAt = rules.rolling
      ? sessionExpiresAt(rules, internal.createdAt, now)
      : internal.expiresAt;
    const session = { ...next, internal: { ...internal, expiresAt } } as SessionData;
    if (!isSessionData(session)) {
      throw new AuthError("AUTH_INVALID_ARGUMENT", "updateSession: the session needs a user.sub");
    }
    if (!store || !current.storeId) {
      return (await persistNew(session, current.cookieNames, now)).writes;
    }
    let written: boolean;
    try {
      written = await store.update(current.storeId, await toStored(session), { expiresAt });
      storeOk();
    } catch (error) {
      throw storeUnavailable(storeFailed(error));
    }
    if (!written) {
      throw new AuthError("AUTH_SESSION_MISSING", "updateSession: the session has ended");
    }
    return writesFor({ ref: current.ref, ea: expiresAt }, expiresAt, current.cookieNames, now);
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
    return write(current, next, now);
  }

  async function forget(storeId: string) {
    try {
      await store!.delete(storeId);
      storeOk();
    } catch (error) {
      storeFailed(error);
    }
  }

  async function destroy(
    jar: CookieJar,
    current?: SessionRead,
    reason: SessionEndReason = "sign-out",
  ): Promise<CookieWrite[]> {
    // A caller that already read the session (logout) need not open and hash the cookie again.
    if (current?.kind === "valid") {
      if (current.storeId) await forget(current.storeId);
      emit({
        type: "ended",
        reason,
        count: 1,
        ...identity(current.session),
        ...(current.storeId ? { storeId: current.storeId } : {}),
      });
      return clear(current.cookieNames);
    }
    const found = findSessionCookie(jar, cookieName);
    const opened = found?.value ? await sealer.open(found.value) : null;
    const payload = opened?.format === "sessionkit" ? opened.payload : undefined;
    if (store && typeof payload?.ref === "string") {
      const storeId = await engine.sha256(payload.ref);
      await forget(storeId);
      emit({ type: "ended", reason, count: 1, storeId });
    } else if (isSessionData(payload?.ses)) {
      emit({ type: "ended", reason, count: 1, ...identity(payload.ses) });
    }
    return clear(found?.names ?? []);
  }

  function discard(current: Extract<SessionRead, { kind: "invalid" }>): CookieWrite[] {
    emit({ type: "ended", reason: current.reason, count: 1 });
    return clear(current.cookieNames);
  }

  function clear(cookieNames: readonly string[]): CookieWrite[] {
    return clearSessionCookieWrites(cookieName, cookieNames);
  }

  return {
    config,
    sealer,
    store,
    read,
    roll,
    save,
    update,
    write,
    destroy,
    discard,
    clear,
    publicId,
    emit,
    fetch,
  };
}
