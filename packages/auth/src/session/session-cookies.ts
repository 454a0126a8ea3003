import { AuthError } from "../errors.js";
import { MAX_TOKEN_LENGTH } from "./sealer.js";

/** The cookies of one request: name → value (as parsed from the `Cookie` header). */
export type CookieJar = Readonly<Record<string, string | undefined>>;

/** A cookie to write; `maxAge: 0` with an empty value deletes, `undefined` makes it transient. */
export interface CookieWrite {
  name: string;
  value: string;
  maxAge: number | undefined;
}

/** What the request carries under the session cookie's name. */
export interface FoundSessionCookie {
  /** The whole sealed value, or `null` when the cookies cannot form one (gap, extra chunk, mix…). */
  value: string | null;
  /** Every session cookie the request carries: all of them go when the session is cleared. */
  names: string[];
}

/** Values longer than this are split into `<name>.0`, `<name>.1`, … (browsers keep ~4 KB a cookie). */
export const CHUNK_SIZE = 3500;
/** More chunks than this is not a session we wrote. */
export const MAX_CHUNKS = 20;
/**
 * The most the session cookies may add to the `Cookie` header (names, values, separators), in
 * bytes. Node refuses a request whose headers pass 16 KiB (431): a session any bigger would be
 * written and then lock the browser out of the app until it expires; 1 KiB is left for the rest.
 */
export const MAX_SESSION_COOKIE_BYTES = 15 * 1024;

// `<name>.N` is ours; `<name>__N` is how @auth0/nextjs-auth0 v4 names its chunks.
const OURS = /^\.(0|[1-9]\d?)$/;
const THEIRS = /^__(0|[1-9]\d?)$/;

// A chunk set describes itself: chunk 0 is `<count>~<id>~<part>`, every other `<id>~<part>`, where
// `id` is the sealed value's last characters (its GCM tag: different on every write). `~` never
// occurs in a JWE. Chunks of two writes (racing responses) never assemble into a value: the ids
// differ; chunks past the count (left by a longer earlier write) are ignored.
const ID_LENGTH = 8;
const FIRST = /^([1-9]\d?)~([\w-]{8})~(.+)$/;
const LATER = /^([\w-]{8})~(.+)$/;

function joinLegacy(chunks: Array<[number, string]>): string | null {
  if (chunks.length > MAX_CHUNKS) return null;
  chunks.sort((a, b) => a[0] - b[0]);
  let total = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    if (chunk[0] !== i || chunk[1] === "" || chunk[1].includes("~")) return null;
    total += chunk[1].length;
  }
  return total > MAX_TOKEN_LENGTH ? null : chunks.map((c) => c[1]).join("");
}

/** A chunk set as we write it (see above); `null` when incomplete, mixed or malformed. */
function joinDescribed(first: RegExpExecArray, chunks: ReadonlyMap<number, string>): string | null {
  const count = Number(first[1]);
  const id = first[2]!;
  if (count > MAX_CHUNKS) return null;
  const parts = [first[3]!];
  let total = parts[0]!.length;
  for (let i = 1; i < count; i++) {
    const later = LATER.exec(chunks.get(i) ?? "");
    if (!later || later[1] !== id) return null;
    parts.push(later[2]!);
    total += later[2]!.length;
  }
  if (total > MAX_TOKEN_LENGTH) return null;
  const value = parts.join("");
  return value.endsWith(id) ? value : null;
}

/** Our chunks (`<name>.N`) as a value: self-described, or as the previous version wrote them. */
function joinChunks(chunks: Array<[number, string]>): string | null {
  const byIndex = new Map(chunks);
  const first = FIRST.exec(byIndex.get(0) ?? "");
  return first ? joinDescribed(first, byIndex) : joinLegacy(chunks);
}

/** Collects the session cookie from a request's cookies; `undefined` when there is none. */
export function findSessionCookie(jar: CookieJar, name: string): FoundSessionCookie | undefined {
  const names: string[] = [];
  const ours: Array<[number, string]> = [];
  const theirs: Array<[number, string]> = [];
  for (const key in jar) {
    if (!key.startsWith(name)) continue;
    const suffix = key.slice(name.length);
    if (suffix === "") {
      names.push(key);
      continue;
    }
    const mine = OURS.exec(suffix);
    const other = mine ? null : THEIRS.exec(suffix);
    if (!mine && !other) continue;
    names.push(key);
    const entry: [number, string] = [Number((mine ?? other)![1]), jar[key] ?? ""];
    (mine ? ours : theirs).push(entry);
  }
  if (names.length === 0) return undefined;
  const base = jar[name];
  let value: string | null;
  if (base !== undefined) {
    // A whole cookie beside a self-described chunk set: the whole cookie was written last (every
    // chunked write deletes it), the chunks are leftovers and go with the next write.
    const described = FIRST.test(ours.find(([index]) => index === 0)?.[1] ?? "");
    const mixed = (ours.length > 0 && !described) || theirs.length > 0;
    value = mixed || base === "" || base.length > MAX_TOKEN_LENGTH ? null : base;
  } else if (ours.length > 0 && theirs.length > 0) {
    value = null;
  } else {
    value = joinChunks(ours.length > 0 ? ours : theirs);
  }
  return { value, names };
}

/** The bytes `writes` add to the `Cookie` header the browser sends back. */
function cookieHeaderBytes(writes: readonly CookieWrite[]): number {
  let total = 0;
  for (const write of writes) {
    if (write.value !== "") total += write.name.length + 1 + write.value.length + 2;
  }
  return total;
}

/**
 * The writes that store `value` under `name` (chunked if long) and delete the stale session
 * cookies the request carries. A chunked write also always deletes the whole cookie, so that of two
 * racing responses the last one wins whatever each request carried: a whole cookie beats leftover
 * chunks, and chunks past the new count are ignored. Throws `AUTH_SESSION_TOO_LARGE` (and writes
 * nothing) for a value the browser could not send back: over {@link MAX_CHUNKS} chunks or
 * {@link MAX_SESSION_COOKIE_BYTES}.
 */
export function sessionCookieWrites(
  name: string,
  value: string,
  maxAge: number | undefined,
  present: readonly string[],
): CookieWrite[] {
  const writes: CookieWrite[] = [];
  const stale = new Set(present);
  if (value.length <= CHUNK_SIZE) {
    writes.push({ name, value, maxAge });
  } else {
    const id = value.slice(-ID_LENGTH);
    const count = Math.ceil(value.length / (CHUNK_SIZE - ID_LENGTH - 4));
    const size = Math.ceil(value.length / count);
    for (let i = 0; i < count; i++) {
      const part = value.slice(i * size, (i + 1) * size);
      const prefix = i === 0 ? `${count}~${id}~` : `${id}~`;
      writes.push({ name: `${name}.${i}`, value: prefix + part, maxAge });
    }
    if (count > MAX_CHUNKS || cookieHeaderBytes(writes) > MAX_SESSION_COOKIE_BYTES) {
      throw new AuthError(
        "AUTH_SESSION_TOO_LARGE",
        `the session seals to ${value.length} bytes, more than its cookies can carry back (${MAX_SESSION_COOKIE_BYTES} bytes of Cookie header): keep less in it (beforeSessionSaved) or use a sessionStore`,
      );
    }
    stale.add(name);
  }
  for (const old of stale) {
    if (!writes.some((w) => w.name === old)) writes.push({ name: old, value: "", maxAge: 0 });
  }
  return writes;
}

/** The writes that delete every session cookie the request carries (and the base name, always). */
export function clearSessionCookieWrites(name: string, present: readonly string[]): CookieWrite[] {
  const names = present.includes(name) ? present : [name, ...present];
  return names.map((n) => ({ name: n, value: "", maxAge: 0 }));
}
