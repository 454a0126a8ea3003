import { NextResponse } from "next/server.js";
import type { AuthConfig } from "../config.js";
import { toAuthError } from "../errors.js";
import { secureFor, serializeCookie } from "../http/set-cookies.js";
import { isOidcError } from "../oidc/oidc-error.js";

/** Auth route answers are per user: never stored by any cache. */
export const NO_STORE = "no-store";

// RFC 6265 token: anything else must never reach a Set-Cookie header.
const COOKIE_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `name` can be written back in a `Set-Cookie` header as is. */
export function isCookieToken(name: string): boolean {
  return COOKIE_TOKEN.test(name);
}

/**
 * Sets (or, with `maxAge` 0, deletes) a login transaction cookie. `SameSite=Lax` whatever the
 * session cookie says: the provider's redirect back is a cross-site top-level GET. `Path=/` so the
 * login route sees the older ones it must drop.
 */
export function appendTransactionCookie(
  config: AuthConfig,
  request: Request,
  response: Response,
  name: string,
  value: string,
  maxAge: number,
): void {
  if (!isCookieToken(name)) return;
  response.headers.append(
    "set-cookie",
    serializeCookie({
      name,
      value,
      httpOnly: true,
      sameSite: "lax",
      secure: secureFor(config, request.url, request.headers),
      path: "/",
      maxAge,
      ...(maxAge === 0 ? { expires: new Date(0) } : {}),
    }),
  );
}

/** A JSON answer nobody caches. */
export function jsonResponse(status: number, body: unknown, headers?: HeadersInit): NextResponse {
  const response = NextResponse.json(body, { status, headers });
  response.headers.set("cache-control", NO_STORE);
  return response;
}

/** The OAuth-style JSON error body: `{ error, error_description }`. */
export function jsonError(status: number, error: string, description: string): NextResponse {
  return jsonResponse(status, { error, error_description: description });
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** A short HTML page for a browser-facing route that failed (login, callback). */
export function errorPage(status: number, title: string, reason: string, retry?: string) {
  const link = retry === undefined ? "" : `<p><a href="${escapeHtml(retry)}">Try again</a></p>`;
  const html = `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(reason)}</p>${link}\n`;
  return new NextResponse(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": NO_STORE },
  });
}

/** 405 with the methods the route takes. */
export function methodNotAllowed(allowed: readonly string[]): NextResponse {
  return jsonResponse(
    405,
    { error: "method_not_allowed", error_description: `use ${allowed.join(" or ")}` },
    { allow: allowed.join(", ") },
  );
}

/**
 * The status and short reason a route answers for `error`, from the one status table of the error
 * codes: a store failure is 503, a bug 500 (`internal_error`); the caller logs every 5xx.
 */
export function describeFailure(error: unknown): { status: number; reason: string } {
  const failure = toAuthError(error);
  if (isOidcError(failure)) return { status: failure.status, reason: failure.reason };
  return { status: failure.status, reason: failure.code.slice("AUTH_".length).toLowerCase() };
}
