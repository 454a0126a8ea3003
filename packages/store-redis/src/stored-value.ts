import { parseStoredSession, type SessionData } from "@sessionkit/auth/store";

/**
 * What a session key holds: a header the Lua scripts read without decoding
 * JSON, then the session itself.
 *
 *     <expiresAt ms> <expiry version> <data version> <creation version>\n<sub index ref>\n<sid index ref or empty>\n<session JSON>
 *
 * The app encodes the first line as `<expiresAt ms>` alone; the write scripts add the
 * versions (see {@link nextVersion}). A value whose first line has no versions (written
 * before they existed) reads as versions 0: any write supersedes it.
 */
export function encodeStoredValue(
  expiresAt: number,
  subRef: string,
  sidRef: string,
  json: string,
): string {
  return `${expiresAt}\n${subRef}\n${sidRef}\n${json}`;
}

/** A stored value, read: the session and the record's expiry from the header. */
export interface StoredRecord {
  session: SessionData;
  /** The last `expiresAt` given to set, update or touch, exactly as written. */
  expiresAt: number;
}

/**
 * The record in a stored value, or `null` when it is past its expiry or unreadable (both
 * mean "no session"; the caller removes it). Never throws. The header's expiry decides,
 * not `session.internal.expiresAt`: `touch` moves only the header's.
 */
export function decodeStoredRecord(value: string, now: number): StoredRecord | null {
  const first = value.indexOf("\n");
  const second = first < 0 ? -1 : value.indexOf("\n", first + 1);
  const third = second < 0 ? -1 : value.indexOf("\n", second + 1);
  if (third < 0 || first === 0) return null;
  const space = value.indexOf(" ");
  const expiresAt = Number(value.slice(0, space > 0 && space < first ? space : first));
  // Redis expires the key a network hop after `expiresAt` (PX is relative): our clock decides.
  if (!Number.isFinite(expiresAt) || expiresAt <= now) return null;
  const session = parseStoredSession(value.slice(third + 1));
  return session && { session, expiresAt };
}

/** The session in a stored value, or `null` (see {@link decodeStoredRecord}). */
export function decodeStoredValue(value: string, now: number): SessionData | null {
  return decodeStoredRecord(value, now)?.session ?? null;
}

let lastVersion = 0;

/**
 * The version of a write issued now: microseconds since the epoch by the app's clock,
 * strictly increasing within this process (two calls in one millisecond, or a clock that
 * stepped back, still get increasing versions). Scripts refuse a write older than the
 * stored one, so a write that arrives late cannot roll back a newer one.
 */
export function nextVersion(): number {
  const now = Date.now() * 1_000;
  lastVersion = now > lastVersion ? now : lastVersion + 1;
  return lastVersion;
}
