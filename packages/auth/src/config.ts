import { type Env, envText, processEnv } from "./env.js";
import { AuthError } from "./errors.js";
import { type OidcConfig, resolveOidcConfig } from "./oidc/config.js";
import type { AuthLogger, AuthOptions } from "./options.js";
import type { SessionStore } from "./store/types.js";

/** {@link AuthOptions} after defaults, env fallbacks and validation. */
export interface AuthConfig {
  secrets: readonly string[];
  appBaseUrl: string | undefined;
  issuer: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  sessionStore: SessionStore | undefined;
  rolling: boolean;
  /** Milliseconds. */
  inactivityDuration: number;
  /** Milliseconds. */
  absoluteDuration: number;
  onStoreError: "anonymous" | "throw";
  cookie: {
    name: string;
    domain: string | undefined;
    path: string;
    sameSite: "lax" | "strict" | "none";
    secure: boolean | undefined;
    transient: boolean;
  };
  logger: AuthLogger;
  /** The OIDC configuration, when `issuer` is set; without it only sessions work (no routes). */
  oidc: OidcConfig | undefined;
  /** Whether `middleware` serves the access-token route. */
  enableAccessTokenEndpoint: boolean;
}

const MIN_SECRET_LENGTH = 32;
const DAY = 86_400;
// RFC 6265 token characters, minus the dot we use for chunk suffixes.
const COOKIE_NAME = /^[!#$%&'*+\-^_`|~0-9A-Za-z]+$/;
const STORE_METHODS = ["get", "set", "update", "delete", "deleteByLogoutToken"] as const;

const invalid = (message: string) => new AuthError("AUTH_CONFIG_INVALID", message);

function optionalUrl(value: string | undefined, what: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${what} must be an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalid(`${what} must be an http(s) URL`);
  }
  return value;
}

const named = (name: string, envName?: string) =>
  envName === undefined ? `\`${name}\`` : `\`${name}\` (${envName})`;

function duration(value: unknown, name: string, fallback: number, envName?: string): number {
  if (value === undefined) return fallback * 1000;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalid(`${named(name, envName)} must be a positive number of seconds`);
  }
  return value * 1000;
}

function resolveSecrets(option: AuthOptions["secret"], env: string | undefined): string[] {
  const given = option ?? env;
  if (given === undefined || given === "" || (Array.isArray(given) && given.length === 0)) {
    throw invalid("missing secret: pass `secret` to createAuth() or set AUTH_SECRET");
  }
  const secrets: unknown[] = typeof given === "string" ? [given] : [...given];
  const source = option === undefined ? "AUTH_SECRET" : "`secret`";
  secrets.forEach((secret, index) => {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
      const which = secrets.length > 1 ? ` (entry ${index})` : "";
      throw invalid(
        `${source}${which} must be a string of at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
  });
  return secrets as string[];
}

function resolveStore(store: unknown): SessionStore | undefined {
  if (store === undefined || store === null) return undefined;
  for (const method of STORE_METHODS) {
    if (typeof (store as Record<string, unknown>)[method] !== "function") {
      throw invalid(`\`sessionStore\` must implement SessionStore: \`${method}\` is missing`);
    }
  }
  return store as SessionStore;
}

function oneOf<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
  fallback: T,
  envName?: string,
) {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw invalid(
      `${named(name, envName)} must be one of ${allowed.map((v) => `"${v}"`).join(", ")}`,
    );
  }
  return value as T;
}

function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw invalid(`\`${name}\` must be a boolean`);
}

function envSeconds(env: Env, name: string): number | undefined {
  const value = envText(env, name);
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value)) throw invalid(`${name} must be a number of seconds`);
  return Number(value);
}

function envBoolean(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const text = value.trim().toLowerCase();
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw invalid(`${name} must be "true" or "false"`);
}

/** Validates options once, at `createAuth`, so a misconfiguration fails at startup, not per request. */
export function resolveConfig(options: AuthOptions = {}): AuthConfig {
  if (typeof options !== "object" || options === null) {
    throw invalid("createAuth() takes an options object");
  }
  const env = options.env ?? processEnv();
  const given = options.cookie ?? {};
  // Each cookie attribute falls back to its AUTH_COOKIE_* variable.
  const cookie = {
    name: given.name ?? envText(env, "AUTH_COOKIE_NAME"),
    domain: given.domain ?? envText(env, "AUTH_COOKIE_DOMAIN"),
    path: given.path ?? envText(env, "AUTH_COOKIE_PATH"),
    sameSite: given.sameSite ?? envText(env, "AUTH_COOKIE_SAME_SITE"),
    secure: given.secure ?? envBoolean(env.AUTH_COOKIE_SECURE, "AUTH_COOKIE_SECURE"),
    transient: given.transient ?? envBoolean(env.AUTH_COOKIE_TRANSIENT, "AUTH_COOKIE_TRANSIENT"),
  };
  const name = cookie.name ?? "__session";
  if (typeof name !== "string" || !COOKIE_NAME.test(name)) {
    throw invalid("`cookie.name` (AUTH_COOKIE_NAME) must be a cookie token without dots");
  }
  const sameSite = oneOf(
    cookie.sameSite,
    "cookie.sameSite",
    ["lax", "strict", "none"],
    "lax",
    "AUTH_COOKIE_SAME_SITE",
  );
  const secure = optionalBoolean(cookie.secure, "cookie.secure");
  if (sameSite === "none" && secure === false) {
    throw invalid('`cookie.sameSite: "none"` requires `cookie.secure` to be true');
  }
  const path = cookie.path ?? "/";
  if (typeof path !== "string" || !path.startsWith("/") || /[;\s]/.test(path)) {
    throw invalid(
      "`cookie.path` (AUTH_COOKIE_PATH) must start with / and hold no spaces or semicolons",
    );
  }
  if (cookie.domain !== undefined && !/^[A-Za-z0-9.-]+$/.test(cookie.domain)) {
    throw invalid("`cookie.domain` (AUTH_COOKIE_DOMAIN) must be a host name");
  }
  const logger = options.logger ?? console;
  if (typeof logger?.warn !== "function" || typeof logger?.error !== "function") {
    throw invalid("`logger` must have `warn` and `error` methods");
  }

  const issuer = optionalUrl(options.issuer ?? env.AUTH_ISSUER, "`issuer` (AUTH_ISSUER)");
  // Setting an issuer asks for the OIDC routes: then every OIDC option must be valid now.
  const oidc = issuer === undefined ? undefined : resolveOidcConfig({ ...options, issuer }, env);
  const replayCache = options.logoutTokenReplayCache;
  if (replayCache !== undefined && typeof replayCache?.claim !== "function") {
    throw invalid("`logoutTokenReplayCache` must have a `claim(jti, expiresAt)` method");
  }
  for (const hook of ["beforeSessionSaved", "onCallback"] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== "function") {
      throw invalid(`\`${hook}\` must be a function`);
    }
  }

  const config: AuthConfig = {
    secrets: resolveSecrets(options.secret, env.AUTH_SECRET),
    appBaseUrl:
      oidc?.appBaseUrl ??
      optionalUrl(options.appBaseUrl ?? env.APP_BASE_URL, "`appBaseUrl` (APP_BASE_URL)"),
    issuer,
    clientId: options.clientId ?? (env.AUTH_CLIENT_ID || undefined),
    clientSecret: options.clientSecret ?? (env.AUTH_CLIENT_SECRET || undefined),
    sessionStore: resolveStore(options.sessionStore),
    rolling:
      optionalBoolean(options.rolling, "rolling") ??
      envBoolean(env.AUTH_ROLLING, "AUTH_ROLLING") ??
      true,
    inactivityDuration: duration(
      options.inactivityDuration ?? envSeconds(env, "AUTH_INACTIVITY_DURATION"),
      "inactivityDuration",
      DAY,
      "AUTH_INACTIVITY_DURATION",
    ),
    absoluteDuration: duration(
      options.absoluteDuration ?? envSeconds(env, "AUTH_ABSOLUTE_DURATION"),
      "absoluteDuration",
      3 * DAY,
      "AUTH_ABSOLUTE_DURATION",
    ),
    onStoreError: oneOf(
      options.onStoreError ?? envText(env, "AUTH_ON_STORE_ERROR"),
      "onStoreError",
      ["anonymous", "throw"],
      "anonymous",
      "AUTH_ON_STORE_ERROR",
    ),
    cookie: {
      name,
      domain: cookie.domain,
      path,
      sameSite,
      secure,
      transient: optionalBoolean(cookie.transient, "cookie.transient") ?? false,
    },
    logger,
    oidc,
    enableAccessTokenEndpoint:
      optionalBoolean(options.enableAccessTokenEndpoint, "enableAccessTokenEndpoint") ??
      envBoolean(env.AUTH_ENABLE_ACCESS_TOKEN_ENDPOINT, "AUTH_ENABLE_ACCESS_TOKEN_ENDPOINT") ??
      true,
  };
  // Logging the config (or the auth object) must not print a secret (the OIDC config holds one).
  for (const key of ["secrets", "clientSecret", "oidc"] as const) {
    Object.defineProperty(config, key, { enumerable: false });
  }
  return config;
}
