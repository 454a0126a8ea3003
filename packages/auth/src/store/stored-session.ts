import { SessionStoreError } from "./session-store-error.js";
import type { LogoutTokenClaims, SessionData, SessionOwner } from "./types.js";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether `value` has the shape of a {@link SessionData}. */
export function isSessionData(value: unknown): value is SessionData {
  if (!isRecord(value)) return false;
  const { user, tokenSet, internal } = value;
  return (
    isRecord(user) &&
    typeof user.sub === "string" &&
    isRecord(tokenSet) &&
    isRecord(internal) &&
    typeof internal.iss === "string" &&
    (internal.sid === undefined || typeof internal.sid === "string") &&
    Number.isFinite(internal.createdAt) &&
    Number.isFinite(internal.expiresAt)
  );
}

/**
 * Reads a stored session from its JSON text. Anything unreadable (not JSON,
 * wrong shape) is `null`, never a throw: drivers treat it as a missing session.
 */
export function parseStoredSession(text: unknown): SessionData | null {
  if (typeof text !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return isSessionData(value) ? value : null;
}

/** Serialises a session for storage; throws `STORE_INVALID_ARGUMENT` for a value that is not a session. */
export function serializeSession(session: SessionData): string {
  if (!isSessionData(session)) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "the session does not have the SessionData shape",
    );
  }
  return JSON.stringify(session);
}

/** Checks a logout token's claims as `deleteByLogoutToken` must: `iss` plus `sid`, `sub`, or both. */
export function assertLogoutTokenClaims(claims: LogoutTokenClaims): void {
  const { iss, sid, sub } = claims ?? ({} as LogoutTokenClaims);
  if (typeof iss !== "string" || iss === "") {
    throw new SessionStoreError("STORE_INVALID_ARGUMENT", "a logout token needs an `iss`");
  }
  if (sid !== undefined && typeof sid !== "string") {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "a logout token's `sid` must be a string",
    );
  }
  if (sub !== undefined && typeof sub !== "string") {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "a logout token's `sub` must be a string",
    );
  }
  if (!sid && !sub) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "a logout token needs a `sid`, a `sub`, or both",
    );
  }
}

/** Checks a session id as every store operation must: a non-empty string. */
export function assertSessionId(id: string): void {
  if (typeof id !== "string" || id === "") {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "a session id must be a non-empty string",
    );
  }
}

/** Checks `expiresAt` as `set` and `update` must: a finite time in epoch milliseconds. */
export function assertExpiresAt(expiresAt: number): void {
  if (typeof expiresAt !== "number" || !Number.isFinite(expiresAt)) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "`expiresAt` must be a finite time in epoch milliseconds",
    );
  }
}

/** The backend TTL for a session: the remaining lifetime rounded up to whole seconds (0 when already past). */
export function remainingSeconds(expiresAt: number, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((expiresAt - now) / 1000));
}

/** Checks the argument of `listSessions`: a non-empty `iss` and `sub`. */
export function assertSessionOwner(owner: SessionOwner): void {
  const { iss, sub } = owner ?? ({} as SessionOwner);
  if (typeof iss !== "string" || iss === "" || typeof sub !== "string" || sub === "") {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "listSessions needs a non-empty `iss` and `sub`",
    );
  }
}
