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

// `<name>.N` is ours; `<name>__N` is how @auth0/nextjs-auth0 v4 names its chunks.
const OURS = /^\.(0|[1-9]\d?)$/;
const THEIRS = /^__(0|[1-9]\d?)$/;

function joinChunks(chunks: Array<[number, string]>): string | null {
  if (chunks.length > MAX_CHUNKS) return null;
  chunks.sort((a, b) => a[0] - b[0]);
  let total = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    if (chunk[0] !== i || chunk[1] === "") return null;
    total += chunk[1].length;
  }
  return total > MAX_TOKEN_LENGTH ? null : chunks.map((c) => c[1]).join("");
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
    const mixed = ours.length > 0 || theirs.length > 0;
    value = mixed || base === "" || base.length > MAX_TOKEN_LENGTH ? null : base;
  } else if (ours.length > 0 && theirs.length > 0) {
    value = null;
  } else {
    value = joinChunks(ours.length > 0 ? ours : theirs);
  }
  return { value, names };
}

/** The writes that store `value` under `name` (chunked if long) and delete the request's stale session cookies. */
export function sessionCookieWrites(
  name: string,
  value: string,
  maxAge: number | undefined,
  present: readonly string[],
): CookieWrite[] {
  const writes: CookieWrite[] = [];
  if (value.length <= CHUNK_SIZE) {
    writes.push({ name, value, maxAge });
  } else {
    for (let i = 0, at = 0; at < value.length; i++, at += CHUNK_SIZE) {
      writes.push({ name: `${name}.${i}`, value: value.slice(at, at + CHUNK_SIZE), maxAge });
    }
  }
  for (const stale of present) {
    if (!writes.some((w) => w.name === stale)) writes.push({ name: stale, value: "", maxAge: 0 });
  }
  return writes;
}

/** The writes that delete every session cookie the request carries (and the base name, always). */
export function clearSessionCookieWrites(name: string, present: readonly string[]): CookieWrite[] {
  const names = present.includes(name) ? present : [name, ...present];
  return names.map((n) => ({ name: n, value: "", maxAge: 0 }));
}
