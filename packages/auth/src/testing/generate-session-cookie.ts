import { AuthError } from "../errors.js";
import { expClaim } from "../session/expiry.js";
import { createSealer } from "../session/sealer.js";
import type { SessionData, SessionInternal, SessionStore } from "../store/types.js";

/** A session for {@link generateSessionCookie}: `internal` may be left out or partial. */
export interface TestSession {
  user: SessionData["user"];
  tokenSet: SessionData["tokenSet"];
  internal?: Partial<SessionInternal>;
  [field: string]: unknown;
}

/** Options of {@link generateSessionCookie}. */
export interface GenerateSessionCookieOptions {
  /** The app's secret (the first of a list seals), as given to `createAuth`. */
  secret: string | readonly string[];
  /** When the session ends, in epoch milliseconds. @default session.internal.expiresAt, else one day from now */
  expiresAt?: number;
  /**
   * For an app with a `sessionStore`: the session is written to this store and the cookie holds
   * only its sealed id, as a login would leave it (a stateful app refuses stateless cookies).
   * @default none: a stateless cookie holding the whole session
   */
  sessionStore?: SessionStore;
}

const DAY_MS = 86_400_000;

/**
 * The value of a `__session` cookie for `session`, sealed the way `createAuth` seals it, for app
 * tests: stateless (the whole session) or, with `sessionStore`, the id of the session written to
 * that store. Values over 3500 characters must be split into `__session.0`, `__session.1`, …
 * chunks of 3500 characters.
 */
export async function generateSessionCookie(
  session: TestSession,
  options: GenerateSessionCookieOptions,
): Promise<string> {
  const now = Date.now();
  const secrets = typeof options.secret === "string" ? [options.secret] : [...options.secret];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== "string" || s.length < 32)) {
    throw new AuthError(
      "AUTH_INVALID_ARGUMENT",
      "generateSessionCookie: `secret` must be at least 32 characters",
    );
  }
  const expiresAt = options.expiresAt ?? session.internal?.expiresAt ?? now + DAY_MS;
  const internal: SessionInternal = {
    iss: "",
    createdAt: now,
    ...session.internal,
    expiresAt,
  };
  const ses: SessionData = { ...session, internal };
  const sealer = createSealer(secrets);
  const store = options.sessionStore;
  if (store === undefined) return sealer.seal({ exp: expClaim(expiresAt), ses });
  if (typeof store?.set !== "function") {
    throw new AuthError(
      "AUTH_INVALID_ARGUMENT",
      "generateSessionCookie: `sessionStore` must be a SessionStore",
    );
  }
  const ref = sealer.engine.randomId();
  await store.set(await sealer.engine.sha256(ref), ses, { expiresAt });
  return sealer.seal({ exp: expClaim(expiresAt), ref, ea: expiresAt });
}
