import { NextRequest } from "next/server.js";
import type { Auth } from "../../src/create-auth.js";
import { createAuth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/options.js";
import { createSealer } from "../../src/session/sealer.js";
import { memoryStore } from "../../src/store/memory-store.js";
import type { SessionData, SessionStore } from "../../src/store/types.js";
import type { CapturedLogout, TestProvider } from "../oidc/provider.js";

export const SECRET = "route-test-secret-0123456789abcdef0123456789";

/** A memoryStore that remembers every id it was given, so tests can look at all of it. */
export interface WatchedStore extends SessionStore {
  /** Every live session, by store id, its token set opened (the core seals it at rest). */
  snapshot(): Promise<Record<string, SessionData>>;
  /** Every live session as the store holds it (token sets sealed). */
  raw(): Promise<Record<string, SessionData>>;
}

const tokenSealer = createSealer([SECRET], undefined, "stored-tokens");

/** A stored session with its sealed token set opened, as the core reads it. */
export async function unsealed(session: SessionData): Promise<SessionData> {
  const { sealed } = session.tokenSet as { sealed?: unknown };
  if (typeof sealed !== "string") return session;
  const opened = await tokenSealer.open(sealed);
  return { ...session, tokenSet: opened!.payload.tokens as SessionData["tokenSet"] };
}

export function watchedStore(): WatchedStore {
  const inner = memoryStore();
  const ids = new Set<string>();
  return {
    get: (id) => inner.get(id),
    set: (id, session, options) => {
      ids.add(id);
      return inner.set(id, session, options);
    },
    update: (id, session, options) => inner.update(id, session, options),
    touch: (id, options) => inner.touch(id, options),
    delete: (id) => inner.delete(id),
    deleteByLogoutToken: (claims) => inner.deleteByLogoutToken(claims),
    listSessions: (owner) => inner.listSessions(owner),
    async snapshot() {
      const out: Record<string, SessionData> = {};
      for (const id of ids) {
        const session = await inner.get(id);
        if (session) out[id] = await unsealed(session);
      }
      return out;
    },
    async raw() {
      const out: Record<string, SessionData> = {};
      for (const id of ids) {
        const session = await inner.get(id);
        if (session) out[id] = session;
      }
      return out;
    },
  };
}

/** createAuth against the test provider; prompt=consent so the provider grants a refresh token. */
export function authFor(op: TestProvider, options: AuthOptions = {}): Auth {
  return createAuth({
    secret: SECRET,
    issuer: op.issuer,
    clientId: op.clientId,
    clientSecret: op.clientSecret,
    appBaseUrl: op.appBaseUrl,
    authorizationParameters: { prompt: "consent" },
    logger: { warn() {}, error() {} },
    env: {},
    ...options,
  });
}

/** The app side of a browser: a cookie jar kept across `auth.middleware` responses. */
export interface AppBrowser {
  cookies: Map<string, string>;
  /** Sends `path` (or an absolute URL on the app) through `auth.middleware`, keeping cookies. */
  get(path: string | URL, init?: { method?: string; cookies?: boolean }): Promise<Response>;
  /** Cookies of the jar whose names start with `prefix`. */
  named(prefix: string): string[];
}

export function appBrowser(auth: Auth, appBaseUrl: string): AppBrowser {
  const cookies = new Map<string, string>();
  return {
    cookies,
    async get(path, init = {}) {
      const url = new URL(path, appBaseUrl);
      const headers = new Headers();
      if (cookies.size > 0 && init.cookies !== false) {
        headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
      }
      const response = await auth.middleware(
        new NextRequest(url, { method: init.method ?? "GET", headers }),
      );
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split(";");
        const index = pair!.indexOf("=");
        const name = pair!.slice(0, index).trim();
        const value = pair!.slice(index + 1).trim();
        const gone = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
        if (gone || value === "") cookies.delete(name);
        else cookies.set(name, value);
      }
      return response;
    },
    named: (prefix) => [...cookies.keys()].filter((name) => name.startsWith(prefix)),
  };
}

/** A complete login of `accountId` through the app's routes; answers the callback's response. */
export async function login(
  app: AppBrowser,
  op: TestProvider,
  options: {
    accountId?: string;
    returnTo?: string;
    browser?: ReturnType<TestProvider["browser"]>;
  } = {},
): Promise<{ callback: Response; callbackUrl: URL }> {
  const query =
    options.returnTo === undefined ? "" : `?returnTo=${encodeURIComponent(options.returnTo)}`;
  const start = await app.get(`/auth/login${query}`);
  if (start.status !== 302) throw new Error(`login answered ${start.status}`);
  const browser = options.browser ?? op.browser();
  const callbackUrl = await browser.authorize(new URL(start.headers.get("location")!), {
    accountId: options.accountId ?? "user-1",
  });
  return { callback: await app.get(callbackUrl), callbackUrl };
}

/** Opens a login transaction cookie the way the app would (the test knows the secret). */
export async function openTransaction(value: string): Promise<Record<string, unknown> | null> {
  const opened = await createSealer([SECRET], "auto", "login-transaction").open(value);
  return opened?.payload ?? null;
}

/** Seals a (tampered) login transaction with the app's key. */
export function sealTransaction(payload: Record<string, unknown>): Promise<string> {
  return createSealer([SECRET], "auto", "login-transaction").seal(payload);
}

/** The provider's captured back-channel POST, as the NextRequest the app would receive. */
export function backchannelRequest(op: TestProvider, captured: CapturedLogout): NextRequest {
  return new NextRequest(`${op.appBaseUrl}/auth/backchannel-logout`, {
    method: captured.method,
    headers: { "content-type": captured.headers["content-type"] ?? "" },
    body: captured.body,
  });
}

/** A form POST to the back-channel route carrying `token`. */
export function logoutTokenRequest(op: TestProvider, token: string): NextRequest {
  return new NextRequest(`${op.appBaseUrl}/auth/backchannel-logout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ logout_token: token }),
  });
}
