import type { SessionStore } from "./store/types.js";

/** Where sessionkit writes what it must tell an operator (store outages, size warnings). */
export interface AuthLogger {
  /** Something is degraded but requests go on. */
  warn(message: string, ...details: unknown[]): void;
  /** Something failed. */
  error(message: string, ...details: unknown[]): void;
}

/** Attributes of the session cookie. */
export interface SessionCookieOptions {
  /** Cookie name; chunks are named `<name>.0`, `<name>.1`, … @default "__session" */
  name?: string;
  /** `Domain` attribute; leave unset for a host-only cookie. @default undefined */
  domain?: string;
  /** `Path` attribute. @default "/" */
  path?: string;
  /** `SameSite` attribute. @default "lax" */
  sameSite?: "lax" | "strict" | "none";
  /** `Secure` attribute; unset means Secure except on `http://localhost`. @default undefined */
  secure?: boolean;
  /** A browser-session cookie: no `Max-Age`, gone when the browser closes. @default false */
  transient?: boolean;
}

/** Options of {@link createAuth}. Each one named with an env var falls back to it. */
export interface AuthOptions {
  /** Secret(s) that seal session cookies, at least 32 characters; with a list the first seals and all open. Env: `AUTH_SECRET`. */
  secret?: string | readonly string[];
  /** The app's public origin, e.g. `https://app.example.com`; decides the cookie's `Secure` default. Env: `APP_BASE_URL`. @default the request's own URL */
  appBaseUrl?: string;
  /** The OpenID Provider's issuer URL (required once the OIDC routes are mounted). Env: `AUTH_ISSUER`. @default undefined */
  issuer?: string;
  /** The OAuth client id (used by the OIDC routes). Env: `AUTH_CLIENT_ID`. @default undefined */
  clientId?: string;
  /** The OAuth client secret (used by the OIDC routes). Env: `AUTH_CLIENT_SECRET`. @default undefined */
  clientSecret?: string;
  /** Where sessions live; leave out for stateless encrypted cookies. @default undefined */
  sessionStore?: SessionStore;
  /** Each request a session is used on pushes its end out by `inactivityDuration`. @default true */
  rolling?: boolean;
  /** With `rolling`: how long an unused session lives, in seconds. @default 86_400 (1 day) */
  inactivityDuration?: number;
  /** The most a session lives from sign-in, in seconds, however active. @default 259_200 (3 days) */
  absoluteDuration?: number;
  /** What a read does when the store fails: `"anonymous"` treats the request as signed out, `"throw"` makes `getSession` throw `AUTH_STORE_UNAVAILABLE`. @default "anonymous" */
  onStoreError?: "anonymous" | "throw";
  /** Attributes of the session cookie. @default {} */
  cookie?: SessionCookieOptions;
  /** Where operator messages go. @default console */
  logger?: AuthLogger;
  /** Environment variables to read defaults from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}
