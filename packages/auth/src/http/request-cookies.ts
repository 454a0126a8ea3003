import { parseCookie } from "cookie";
import type { CookieJar } from "../session/session-cookies.js";

const EMPTY: CookieJar = Object.freeze({});

/** The cookies of a `Cookie` header. A header that does not parse yields what it can, never a throw. */
export function parseCookieHeader(header: string | null | undefined): CookieJar {
  if (!header) return EMPTY;
  try {
    return parseCookie(header);
  } catch {
    return EMPTY;
  }
}

/** The cookies a request carries. A header that does not parse yields what it can, never a throw. */
export function requestCookies(request: Request): CookieJar {
  let header: string | null;
  try {
    header = request.headers.get("cookie");
  } catch {
    return EMPTY;
  }
  return parseCookieHeader(header);
}

/** The next/headers cookie store (server components, route handlers, server actions). */
export interface NextCookieStore {
  getAll(): Array<{ name: string; value: string }>;
  set(cookie: CookieInit): unknown;
}

/** A cookie as Next's cookie APIs and the `cookie` package take it. */
export interface CookieInit {
  name: string;
  value: string;
  httpOnly: boolean;
  sameSite: "lax" | "strict" | "none";
  secure: boolean;
  path: string;
  domain?: string;
  maxAge?: number;
  expires?: Date;
}

// Next's store of the current render unit: internal, so found at run time and never bundled.
// Next keeps its `*.external` modules out of its bundles, so this is the instance Next uses.
const WORK_UNIT_STORE = "next/dist/server/app-render/work-unit-async-storage.external.js";

/** Whether the current render unit is a `"use cache"` scope, or `undefined` where that is unknown. */
async function inCacheScope(): Promise<boolean | undefined> {
  try {
    const specifier = WORK_UNIT_STORE;
    type Storage = { workUnitAsyncStorage?: { getStore(): { type?: string } | undefined } };
    const module = (await import(
      /* webpackIgnore: true */ /* turbopackIgnore: true */ specifier
    )) as Storage & { default?: Storage };
    const storage = module.workUnitAsyncStorage ?? module.default?.workUnitAsyncStorage;
    const type = storage?.getStore()?.type;
    return type === "cache" || type === "private-cache" || type === "unstable-cache";
  } catch {
    return undefined; // another Next (14), the Edge runtime, no Next at all
  }
}

/**
 * Marks the render dynamic before the core reads the clock: with Cache Components (Next 16's
 * default) a prerender stops here instead of meeting `Date.now()`, so the app needs no
 * `connection()` of its own. Next 14 has no `connection`; there the cookies alone do it. Inside
 * `"use cache: private"` (Next's own pattern for session reads) `connection()` is refused and
 * the clock is allowed, so it is skipped there.
 */
async function markDynamic(): Promise<void> {
  const { connection } = (await import("next/server.js")) as { connection?: () => Promise<void> };
  if (typeof connection !== "function") return;
  if (await inCacheScope()) return;
  let marked: Promise<void>;
  try {
    marked = connection();
  } catch {
    // Outside a Next request (a test's mocked next/headers): cookies() decides.
    return;
  }
  await marked;
}

/** The `next/headers` cookie store, loaded on first use (it exists only inside a Next request). */
export async function nextCookieStore(): Promise<NextCookieStore> {
  await markDynamic();
  const { cookies } = await import("next/headers.js");
  return (await cookies()) as unknown as NextCookieStore;
}

/** The request's `Host` header through `next/headers`. */
export async function nextRequestHost(): Promise<string | null> {
  const { headers } = await import("next/headers.js");
  return (await headers()).get("host");
}

/** A jar over the next/headers store. */
export function jarOf(store: NextCookieStore): CookieJar {
  const jar: Record<string, string> = Object.create(null);
  for (const { name, value } of store.getAll()) if (!(name in jar)) jar[name] = value;
  return jar;
}
