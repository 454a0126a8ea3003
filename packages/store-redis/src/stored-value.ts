import { parseStoredSession, type SessionData } from "@sessionkit/auth/store";

/**
 * What a session key holds: a header the Lua scripts read without decoding
 * JSON, then the session itself.
 *
 *     <expiresAt ms>\n<sub index ref>\n<sid index ref or empty>\n<session JSON>
 */
export function encodeStoredValue(
  expiresAt: number,
  subRef: string,
  sidRef: string,
  json: string,
): string {
  return `${expiresAt}\n${subRef}\n${sidRef}\n${json}`;
}

/** The outcome of reading a session key's value. */
export type DecodedValue =
  | { kind: "live"; session: SessionData }
  | { kind: "expired" }
  | { kind: "unreadable" };

/** Reads a stored value; anything malformed is `unreadable`, never a throw. */
export function decodeStoredValue(value: string, now: number): DecodedValue {
  const first = value.indexOf("\n");
  const second = first < 0 ? -1 : value.indexOf("\n", first + 1);
  const third = second < 0 ? -1 : value.indexOf("\n", second + 1);
  if (third < 0 || first === 0) return { kind: "unreadable" };
  const expiresAt = Number(value.slice(0, first));
  if (!Number.isFinite(expiresAt)) return { kind: "unreadable" };
  // Redis expires the key a network hop after `expiresAt` (PX is relative): our clock decides.
  if (expiresAt <= now) return { kind: "expired" };
  const session = parseStoredSession(value.slice(third + 1));
  return session ? { kind: "live", session } : { kind: "unreadable" };
}
