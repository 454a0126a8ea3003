import type { AuthConfig } from "../config.js";
import { isLoopbackHttp } from "../oidc/loopback.js";
import type { CookieWrite } from "../session/session-cookies.js";
import type { CookieInit } from "./request-cookies.js";

const EPOCH = new Date(0);

/** Responses that set or clear a session cookie must never be cached by a shared cache. */
export const SESSION_CACHE_CONTROL = "private, no-store";

const warned = new WeakSet<AuthConfig>();

/**
 * Whether cookies go out `Secure`: `cookie.secure` when set, else unless the app's origin
 * (`appBaseUrl`, or the request's URL) is `http://localhost`. Behind a TLS-terminating proxy the
 * request's URL may say `http` while the browser used `https`: with `trustProxy`, an
 * `X-Forwarded-Proto: https` from that proxy makes them `Secure`. A production app about to send
 * cookies without `Secure` from a request's URL is warned about once (`resolveConfig` warns at
 * start-up for a configured `http` origin or `cookie.secure: false`).
 */
export function secureFor(config: AuthConfig, url: string | undefined, headers?: Headers): boolean {
  if (config.cookie.secure !== undefined) return config.cookie.secure;
  if (config.appBaseUrl !== undefined) return !isLoopbackHttp(config.appBaseUrl);
  if (config.trustProxy && forwardedProto(headers) === "https") return true;
  const secure = url === undefined || !isLoopbackHttp(url);
  if (!secure && config.production && !warned.has(config)) {
    warned.add(config);
    config.logger.warn(
      "sessionkit: NODE_ENV is production but session cookies go out without Secure (the request's URL is http://localhost): set appBaseUrl to the app's https origin, or trustProxy behind a TLS-terminating proxy, or cookie.secure",
    );
  }
  return secure;
}

/** The first (client-facing) hop of `X-Forwarded-Proto`, lower-cased. */
function forwardedProto(headers: Headers | undefined): string | undefined {
  return headers?.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
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

/**
 * The `Set-Cookie` header for one of our cookies. Names, paths and domains
 * were validated with the options and values are base64url (or empty), so
 * nothing needs escaping: this skips the per-call regex and URI-encoding
 * passes general serializers make over a ~3 KB value.
 */
export function serializeCookie(cookie: CookieInit): string {
  let header = `${cookie.name}=${cookie.value}; Path=${cookie.path}`;
  if (cookie.domain) header += `; Domain=${cookie.domain}`;
  if (cookie.maxAge !== undefined) header += `; Max-Age=${cookie.maxAge}`;
  if (cookie.expires) header += `; Expires=${cookie.expires.toUTCString()}`;
  if (cookie.httpOnly) header += "; HttpOnly";
  if (cookie.secure) header += "; Secure";
  return `${header}; SameSite=${cookie.sameSite === "lax" ? "Lax" : cookie.sameSite === "strict" ? "Strict" : "None"}`;
}

/** Next's `ResponseCookies` keeps its cookies in this map (read through `NextResponse.cookies`). */
interface WithNextCookies {
  cookies?: { _parsed?: unknown };
}

/**
 * Adds the writes to a response as `Set-Cookie` headers and marks it
 * uncacheable. Appending the header ourselves costs a fraction of
 * `NextResponse.cookies.set()`, which re-serialises every cookie and copies
 * the headers on each call; but a later `response.cookies.set()` by the app
 * rewrites all `Set-Cookie` headers from Next's own map, so ours are entered
 * in that map too (when this Next version has it) to survive that.
 */
export function applyCookieWrites(response: Response, cookies: readonly CookieInit[]): void {
  if (cookies.length === 0) return;
  const { headers } = response;
  for (const cookie of cookies) headers.append("set-cookie", serializeCookie(cookie));
  headers.set("cache-control", SESSION_CACHE_CONTROL);
  const known = (response as WithNextCookies).cookies?._parsed;
  if (known instanceof Map) for (const cookie of cookies) known.set(cookie.name, { ...cookie });
}

/** Adds session cookie writes (with the configured attributes) to `response`, if there are any. */
export function applySessionWrites(
  config: AuthConfig,
  request: Request,
  response: Response,
  writes: readonly CookieWrite[],
): void {
  if (writes.length === 0) return;
  applyCookieWrites(
    response,
    cookieInits(config, writes, secureFor(config, request.url, request.headers)),
  );
}
