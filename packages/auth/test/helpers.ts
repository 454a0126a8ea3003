import { parseSetCookie } from "cookie";
import { NextRequest } from "next/server.js";
import type { AuthLogger } from "../src/options.js";
import type { SessionData } from "../src/store/types.js";

export const SECRET = "test-secret-0123456789abcdef0123456789abcdef";
export const OTHER_SECRET = "other-secret-0123456789abcdef0123456789abcdef";
export const APP = "https://app.example.com";

/** A session created `ageMs` ago that ends `ttlMs` from now. */
export function makeSession(
  sub = "alice",
  { ageMs = 0, ttlMs = 3_600_000, extra = {} as Record<string, unknown> } = {},
): SessionData {
  const now = Date.now();
  return {
    user: { sub, name: "Alice Example", email: `${sub}@example.com` },
    tokenSet: { accessToken: "at-123", idToken: "it-456", expiresAt: now + 3_600_000 },
    internal: {
      iss: "https://op.example/",
      sid: "sid-1",
      createdAt: now - ageMs,
      expiresAt: now + ttlMs,
    },
    ...extra,
  };
}

/** A NextRequest carrying `cookies` (name → value) on `url`. */
export function requestWith(cookies: Record<string, string> | string, url = `${APP}/dashboard`) {
  const header =
    typeof cookies === "string"
      ? cookies
      : Object.entries(cookies)
          .map(([k, v]) => `${k}=${v}`)
          .join("; ");
  return new NextRequest(url, header ? { headers: { cookie: header } } : {});
}

export interface ParsedSetCookie {
  name: string;
  value: string;
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string | boolean;
  path?: string;
  domain?: string;
}

/** The response's Set-Cookie headers, parsed, by cookie name. */
export function setCookies(response: Response): Map<string, ParsedSetCookie> {
  const out = new Map<string, ParsedSetCookie>();
  for (const header of response.headers.getSetCookie()) {
    const cookie = parseSetCookie(header) as ParsedSetCookie;
    out.set(cookie.name, cookie);
  }
  return out;
}

/** Whether every named cookie is deleted (empty value, Max-Age 0) by the response. */
export function deletes(response: Response, names: string[]): boolean {
  const cookies = setCookies(response);
  return names.every((n) => {
    const c = cookies.get(n);
    return c !== undefined && c.value === "" && c.maxAge === 0;
  });
}

/** A logger that records what it is told. */
export function recordingLogger(): AuthLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  };
}
