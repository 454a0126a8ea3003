// Node's `IncomingMessage` / `ServerResponse` (the Pages Router's `ctx.req`/`ctx.res`,
// `NextApiRequest`/`NextApiResponse`) beside the Web `Request`/`Response`. `node:http` is
// imported for its types only, so the Edge build never loads it; objects are told apart by
// shape, not `instanceof`, which fails across realms and bundles.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthConfig } from "../config.js";
import { AuthError } from "../errors.js";
import type { CookieJar, CookieWrite } from "../session/session-cookies.js";
import { type CookieInit, parseCookieHeader, requestCookies } from "./request-cookies.js";
import {
  applyCookieWrites,
  cookieInits,
  SESSION_CACHE_CONTROL,
  secureFor,
  serializeCookie,
} from "./set-cookies.js";

/** A request as the helpers take it: Web (`Request`, `NextRequest`) or Node (`IncomingMessage`, `NextApiRequest`). */
export type AnyRequest = Request | IncomingMessage;
/** A response as the helpers write cookies onto it: Web (`Response`, `NextResponse`) or Node (`ServerResponse`, `NextApiResponse`). */
export type AnyResponse = Response | ServerResponse;

/** A Node request: its `headers` is a plain object (a Web request's is a `Headers` with `get`). */
export function isNodeRequest(value: unknown): value is IncomingMessage {
  if (typeof value !== "object" || value === null) return false;
  const { headers } = value as { headers?: unknown };
  return (
    typeof headers === "object" &&
    headers !== null &&
    typeof (headers as { get?: unknown }).get !== "function"
  );
}

/** A Web request: `headers` answers `get`, and it has a `url`. */
export function isWebRequest(value: unknown): value is Request {
  if (typeof value !== "object" || value === null) return false;
  const { headers, url } = value as { headers?: { get?: unknown }; url?: unknown };
  return typeof headers?.get === "function" && typeof url === "string";
}

/** Either kind of request (and not, say, an options object). */
export function isAnyRequest(value: unknown): value is AnyRequest {
  return isWebRequest(value) || isNodeRequest(value);
}

/** A Node response: it sets headers one by one and can read them back. */
export function isNodeResponse(value: unknown): value is ServerResponse {
  if (typeof value !== "object" || value === null) return false;
  const response = value as { setHeader?: unknown; getHeader?: unknown };
  return typeof response.setHeader === "function" && typeof response.getHeader === "function";
}

/** The cookies a request of either kind carries; an unparsable header yields what it can. */
export function cookiesOf(request: AnyRequest): CookieJar {
  if (!isNodeRequest(request)) return requestCookies(request);
  const header = request.headers.cookie;
  return parseCookieHeader(typeof header === "string" ? header : undefined);
}

/**
 * The URL a Node request was made to, as far as the cookies' `Secure` default needs it: its
 * `Host` and whether the socket is TLS. `undefined` without a `Host` (then cookies are `Secure`).
 */
export function nodeRequestUrl(request: IncomingMessage): string | undefined {
  const { host } = request.headers;
  if (typeof host !== "string" || host === "") return undefined;
  const encrypted = (request.socket as { encrypted?: unknown } | undefined)?.encrypted === true;
  return `${encrypted ? "https" : "http"}://${host}/`;
}

/** A Node request's `X-Forwarded-Proto`, as the `Headers` that `secureFor` reads it from (`trustProxy`). */
function nodeForwardedProto(request: IncomingMessage): Headers | undefined {
  const proto = request.headers["x-forwarded-proto"];
  const value = Array.isArray(proto) ? proto.join(",") : proto;
  return value ? new Headers({ "x-forwarded-proto": value }) : undefined;
}

/**
 * Appends the cookies to a Node response as `Set-Cookie` headers, keeping every one already
 * set (by the app or an earlier call), and marks it uncacheable. After the headers went out a
 * cookie can no longer be written: that throws rather than losing, say, a refreshed token set.
 */
export function appendNodeCookies(response: ServerResponse, cookies: readonly CookieInit[]): void {
  if (cookies.length === 0) return;
  if (response.headersSent) {
    throw new AuthError(
      "AUTH_INVALID_ARGUMENT",
      "the response's headers were already sent: call the sessionkit helper before writing the response",
    );
  }
  const previous = response.getHeader("set-cookie");
  const lines =
    previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  response.setHeader("set-cookie", [...lines, ...cookies.map(serializeCookie)]);
  response.setHeader("cache-control", SESSION_CACHE_CONTROL);
}

/** Writes session cookie writes (with the configured attributes) onto a response of either kind. */
export function writeSessionCookies(
  config: AuthConfig,
  request: AnyRequest,
  response: AnyResponse,
  writes: readonly CookieWrite[],
): void {
  if (writes.length === 0) return;
  const secure = isNodeRequest(request)
    ? secureFor(config, nodeRequestUrl(request), nodeForwardedProto(request))
    : secureFor(config, request.url, request.headers);
  const cookies = cookieInits(config, writes, secure);
  if (isNodeResponse(response)) appendNodeCookies(response, cookies);
  else applyCookieWrites(response, cookies);
}
