import type { NextRequest } from "next/server.js";
import type { AuthError } from "./errors.js";
import type { OidcOptions } from "./oidc/config.js";
import type { SessionEvent } from "./session/session-events.js";
import type { LogoutTokenReplayStore, SessionData, SessionStore } from "./store/types.js";
import type { OpenTelemetryApi } from "./telemetry/types.js";

/** Where sessionkit writes what it must tell an operator (store outages, size warnings). */
export interface AuthLogger {
  /** Something is degraded but requests go on. */
  warn(message: string, ...details: unknown[]): void;
  /** Something failed. */
  error(message: string, ...details: unknown[]): void;
}

/** Attributes of the session cookie. */
export interface SessionCookieOptions {
  /** Cookie name; chunks are named `<name>.0`, `<name>.1`, … Env: `AUTH_COOKIE_NAME`. @default "__session" */
  name?: string;
  /** `Domain` attribute; leave unset for a host-only cookie. Env: `AUTH_COOKIE_DOMAIN`. @default undefined */
  domain?: string;
  /** `Path` attribute. Env: `AUTH_COOKIE_PATH`. @default "/" */
  path?: string;
  /** `SameSite` attribute. Env: `AUTH_COOKIE_SAME_SITE`. @default "lax" */
  sameSite?: "lax" | "strict" | "none";
  /** `Secure` attribute; unset means Secure except on `http://localhost`. Env: `AUTH_COOKIE_SECURE`. @default undefined */
  secure?: boolean;
  /** A browser-session cookie: no `Max-Age`, gone when the browser closes. Env: `AUTH_COOKIE_TRANSIENT`. @default false */
  transient?: boolean;
}

/** What `onCallback` is told about the login that just ended. */
export interface CallbackContext {
  /** The callback request. */
  request: NextRequest;
  /** Where the login asked to go afterwards (same-origin, absolute), when the transaction was read. */
  returnTo: string | undefined;
}

/**
 * Runs after a successful code exchange, before the session is stored: return the session to keep
 * (trim claims, add app fields). Throwing refuses the login with 403 (`AUTH_SESSION_REJECTED`).
 */
export type BeforeSessionSaved = (
  session: SessionData,
  idToken: string | undefined,
) => SessionData | Promise<SessionData>;

/**
 * Decides the callback's response. `error` is `null` on success (then `session` is the new session,
 * whose cookies sessionkit adds to the response you return); on failure `session` is `null`.
 */
export type OnCallback = (
  error: AuthError | null,
  context: CallbackContext,
  session: SessionData | null,
) => Response | Promise<Response>;

/**
 * Receives session lifecycle events (created, rolled, refreshed, ended with a reason). Called
 * without being awaited; whatever it throws or rejects is logged and never reaches a request.
 */
export type OnSessionEvent = (event: SessionEvent) => void | Promise<void>;

/**
 * Options of {@link createAuth}. Each one named with an env var falls back to it. The OIDC options
 * (from `clientAuthMethod` on) take effect once `issuer` is set.
 */
export interface AuthOptions
  extends Omit<OidcOptions, "issuer" | "clientId" | "clientSecret" | "appBaseUrl"> {
  /** Secret(s) that seal session cookies, at least 32 characters; with a list the first seals and all open. Env: `AUTH_SECRET`. @default required */
  secret?: string | readonly string[];
  /** The app's public origin, e.g. `https://app.example.com`; decides the cookie's `Secure` default and the redirect URI. Env: `APP_BASE_URL`. @default required with `issuer`, else the request's own URL */
  appBaseUrl?: string;
  /** The OpenID Provider's issuer URL; setting it mounts the OIDC routes and makes `clientId` and `appBaseUrl` required. `http:` only on localhost. Env: `AUTH_ISSUER`. @default undefined (sessions only, no routes) */
  issuer?: string;
  /** The OAuth client id registered with the provider. Env: `AUTH_CLIENT_ID`. @default required with `issuer` */
  clientId?: string;
  /** The OAuth client secret. Env: `AUTH_CLIENT_SECRET`. @default required with `issuer`, unless `clientAuthMethod` is `none` or `private_key_jwt` */
  clientSecret?: string;
  /** Where sessions live; leave out for stateless encrypted cookies. @default undefined */
  sessionStore?: SessionStore;
  /**
   * With a `sessionStore`: whether a stateless session cookie (or a `@auth0/nextjs-auth0` v4 one)
   * sealed with `secret` is accepted and moved into the store. Turn it on for a migration window
   * only: a leaked secret could otherwise mint sessions the store never saw. Env: `AUTH_ACCEPT_COOKIE_SESSIONS`.
   * @default false with a `sessionStore` (only store-backed sessions count); cookies are the sessions without one
   */
  acceptCookieSessions?: boolean;
  /**
   * With a `sessionStore`: seal the token set (access, refresh and ID tokens) with `secret` before
   * it reaches the store, so a database dump or backup hands out no token. Turn off only when
   * something else must read tokens in the store. Key rotation works as for cookies.
   * Env: `AUTH_SEAL_TOKENS`. @default true
   */
  sealTokens?: boolean;
  /** Each request a session is used on pushes its end out by `inactivityDuration`. Env: `AUTH_ROLLING`. @default true */
  rolling?: boolean;
  /** With `rolling`: how long an unused session lives, in seconds. Env: `AUTH_INACTIVITY_DURATION`. @default 86_400 (1 day) */
  inactivityDuration?: number;
  /**
   * With `rolling`: a request moves the session's expiry (a store `touch` and a new cookie) only
   * when that moves it by at least this many seconds; other requests write nothing. The trade-off:
   * a session may end up to this much earlier than "last request + inactivityDuration". `0` rolls
   * on every request. Capped at half of `inactivityDuration`. Env: `AUTH_UPDATE_AGE`. @default 60
   */
  updateAge?: number;
  /** The most a session lives from sign-in, in seconds, however active. Env: `AUTH_ABSOLUTE_DURATION`. @default 259_200 (3 days) */
  absoluteDuration?: number;
  /** What a read does when the store fails: `"anonymous"` treats the request as signed out, `"throw"` makes `getSession` throw `AUTH_STORE_UNAVAILABLE`. Env: `AUTH_ON_STORE_ERROR`. @default "anonymous" */
  onStoreError?: "anonymous" | "throw";
  /** Attributes of the session cookie. @default {} */
  cookie?: SessionCookieOptions;
  /**
   * Whether `routes.logout` ends the session only on a POST (a form or `fetch` from the app): a
   * GET then answers 405. Off, a GET logs out too, except a prefetch (ignored: 204) or a
   * cross-site request (`Sec-Fetch-Site: cross-site`, refused: 403). Env: `AUTH_POST_ONLY_LOGOUT`.
   * @default false
   */
  postOnlyLogout?: boolean;
  /**
   * Whether the app runs behind a proxy it trusts to set `X-Forwarded-Proto`: then, without
   * `appBaseUrl` or `cookie.secure`, a request forwarded as `https` gets `Secure` cookies. Leave
   * off when clients can reach the app directly (they could send the header). Env: `AUTH_TRUST_PROXY`.
   * @default false
   */
  trustProxy?: boolean;
  /** Where operator messages go. @default console */
  logger?: AuthLogger;
  /** Environment variables to read defaults from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Edits (or refuses, by throwing) a new session before it is stored. @default none */
  beforeSessionSaved?: BeforeSessionSaved;
  /** Builds the callback's response (success and failure). @default a redirect to `returnTo`, or an error page */
  onCallback?: OnCallback;
  /** Whether `middleware` serves `routes.accessToken`; `getAccessToken()` works either way. Env: `AUTH_ENABLE_ACCESS_TOKEN_ENDPOINT`. @default true */
  enableAccessTokenEndpoint?: boolean;
  /** Where seen logout token `jti`s are remembered, shared by every app instance. @default the `sessionStore` when it implements `LogoutTokenReplayStore`, else this process's memory (one instance only) */
  logoutTokenReplayStore?: LogoutTokenReplayStore;
  /** Receives session lifecycle events, e.g. for an audit log. @default none */
  onSessionEvent?: OnSessionEvent;
  /**
   * The `@opentelemetry/api` module to record spans and metrics through, or `false` for none.
   * @default the tracer and meter providers registered globally with `@opentelemetry/api` 1.x, if any
   */
  openTelemetry?: OpenTelemetryApi | false;
}
