import { stringifySetCookie } from "cookie";
import type { AuthConfig } from "../config.js";
import type { CookieWrite } from "../session/session-cookies.js";
import type { CookieInit } from "./request-cookies.js";

const LOCAL_HTTP = /^http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?:[:/?#]|$)/i;
const EPOCH = new Date(0);

/** Responses that set or clear a session cookie must never be cached by a shared cache. */
export const SESSION_CACHE_CONTROL = "private, no-store";

/** `Secure` unless configured otherwise or the app runs on `http://localhost`. */
export function secureFor(config: AuthConfig, url: string | undefined): boolean {
  if (config.cookie.secure !== undefined) return config.cookie.secure;
  const origin = config.appBaseUrl ?? url;
  return origin === undefined || !LOCAL_HTTP.test(origin);
}

/** The full cookies (attributes included) for a list of writes. */
export function cookieInits(
  config: AuthConfig,
  writes: readonly CookieWrite[],
  secure: boolean,
): CookieInit[] {
  const { path, domain, sameSite } = config.cookie;
  return writes.map(({ name, value, maxAge }) => {
    const cookie: CookieInit = { name, value, httpOnly: true, sameSite, secure, path };
    if (domain) cookie.domain = domain;
    if (maxAge !== undefined) cookie.maxAge = maxAge;
    if (maxAge === 0) cookie.expires = EPOCH;
    return cookie;
  });
}

interface CookieSettable {
  cookies?: { set?: (cookie: CookieInit) => unknown };
}

/**
 * Adds the writes to a response as `Set-Cookie` headers (through
 * `NextResponse.cookies` when there is one, so Next sees them too) and marks
 * the response uncacheable.
 */
export function applyCookieWrites(response: Response, cookies: readonly CookieInit[]): void {
  if (cookies.length === 0) return;
  const jar = (response as CookieSettable).cookies;
  if (typeof jar?.set === "function") {
    for (const cookie of cookies) jar.set(cookie);
  } else {
    for (const cookie of cookies) response.headers.append("set-cookie", stringifySetCookie(cookie));
  }
  response.headers.set("cache-control", SESSION_CACHE_CONTROL);
}
