import { envText, processEnv } from "./env.js";
import { type OidcConfig, resolveOidcConfig } from "./oidc/config.js";
import type { AuthLogger, AuthOptions, OnSessionEvent } from "./options.js";
import { sessionStoreMethods } from "./store/contract.js";
import type { SessionStore } from "./store/types.js";
import { absoluteUrl, boolean, invalid, label, oneOf, seconds } from "./validate.js";

/** The session rules, resolved. Durations in seconds, like the options they come from. */
export interface SessionConfig {
  /** Where sessions live; `undefined` for stateless cookie sessions. */
  store: SessionStore | undefined;
  rolling: boolean;
  /** Seconds. */
  inactivityDuration: number;
  /** Seconds. */
  absoluteDuration: number;
  /** Seconds: a roll that would move the expiry by less than this is skipped (throttled rolling). */
  updateAge: number;
  onStoreError: "anonymous" | "throw";
  /** Whether a stateful app still accepts (and moves into the store) stateless and nextjs-auth0 cookies. */
  acceptCookieSessions: boolean;
  /** Whether the token set is sealed with the secrets before it reaches the store. */
  sealTokens: boolean;
}

/**
 * {@link AuthOptions} after defaults, env fallbacks and validation: the one resolved configuration
 * everything else reads. Durations are seconds.
 */
export interface AuthConfig {
  /** The secrets that seal cookies (the first seals, all open). Non-enumerable. */
  secrets: readonly string[];
  /** The app's public origin without a trailing slash, when known. */
  appBaseUrl: string | undefined;
  session: SessionConfig;
  cookie: {
    name: string;
    domain: string | undefined;
    path: string;
    sameSite: "lax" | "strict" | "none";
    secure: boolean | undefined;
    transient: boolean;
  };
  logger: AuthLogger;
  /** The OIDC configuration, when `issuer` is set; without it only sessions work (no routes). Non-enumerable. */
  oidc: OidcConfig | undefined;
  /** Whether `middleware` serves the access-token route. */
  enableAccessTokenEndpoint: boolean;
  /** Receives session lifecycle events. */
  onSessionEvent: OnSessionEvent | undefined;
  /** Whether the logout route ends sessions only on POST. */
  postOnlyLogout: boolean;
  /** Whether `X-Forwarded-Proto` decides `Secure` (when neither `cookie.secure` nor `appBaseUrl` does). */
  trustProxy: boolean;
  /** `NODE_ENV` is `production` (in `env`): cookies without `Secure` are warned about. */
  production: boolean;
}

const MIN_SECRET_LENGTH = 32;
const DAY = 86_400;
/** Seconds: how much a roll must move the expiry before it is written. */
const DEFAULT_UPDATE_AGE = 60;
// RFC 6265 token characters, minus the dot we use for chunk suffixes.
const COOKIE_NAME = /^[!#$%&'*+\-^_`|~0-9A-Za-z]+$/;

/** `appBaseUrl` without OIDC: an absolute http(s) URL, or none. */
function optionalUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  const what = label("appBaseUrl", "APP_BASE_URL");
  const url = absoluteUrl(value, what);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalid(what, "must be an http(s) URL");
  }
  return value;
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
  for (const method of sessionStoreMethods) {
    if (typeof (store as Record<string, unknown>)[method] !== "function") {
      throw invalid(
        `\`sessionStore\` must implement SessionStore: \`${method}\` is missing (see docs/writing-a-store.md for what changed)`,
      );
    }
  }
  const extended = store as Record<string, unknown>;
  const pairs = [
    ["claimLogoutToken", "releaseLogoutToken"],
    ["acquireRefreshLease", "releaseRefreshLease"],
  ] as const;
  for (const [first, second] of pairs) {
    if (typeof extended[first] === "function" && typeof extended[second] !== "function") {
      throw invalid(
        `\`sessionStore\` has \`${first}\` but not \`${second}\`: implement both or neither`,
      );
    }
  }
  return store as SessionStore;
}

// Options renamed before 1.0 (see CHANGELOG.md): refused with their new name, never ignored.
const RENAMED_OPTIONS: Readonly<Record<string, string>> = {
  logoutTokenReplayCache:
    "`logoutTokenReplayStore` (methods `claimLogoutToken` and `releaseLogoutToken`)",
  httpTimeout: "`providerTimeout`, in seconds (it was milliseconds)",
};
const RENAMED_ENV: Readonly<Record<string, string>> = {
  AUTH_HTTP_TIMEOUT: "AUTH_PROVIDER_TIMEOUT, in seconds (it was milliseconds)",
};

// Options that only mean something with an OpenID Provider: given without `issuer`, they are a mistake.
const OIDC_ONLY_OPTIONS = [
  "clientId",
  "clientSecret",
  "clientAuthMethod",
  "clientAssertionKey",
  "scope",
  "authorizationParameters",
  "allowedLoginParameters",
  "routes",
  "postLogoutRedirectUri",
  "providerTimeout",
  "discoveryCacheTtl",
  "refreshBuffer",
  "clockTolerance",
  "transactionMaxAge",
  "maxTransactions",
  "idTokenSigningAlg",
  "fetch",
  "beforeSessionSaved",
  "onCallback",
  "logoutTokenReplayStore",
  "postOnlyLogout",
] as const;

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
    secure: boolean(given.secure, env, "cookie.secure", "AUTH_COOKIE_SECURE"),
    transient: boolean(given.transient, env, "cookie.transient", "AUTH_COOKIE_TRANSIENT"),
  };
  const name = cookie.name ?? "__session";
  if (typeof name !== "string" || !COOKIE_NAME.test(name)) {
    throw invalid("`cookie.name` (AUTH_COOKIE_NAME) must be a cookie token without dots");
  }
  const sameSite = oneOf(
    cookie.sameSite,
    env,
    "cookie.sameSite",
    "AUTH_COOKIE_SAME_SITE",
    ["lax", "strict", "none"],
    "lax",
  );
  const { secure } = cookie;
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

  const issuerText = (options.issuer || undefined) ?? envText(env, "AUTH_ISSUER");
  if (issuerText === undefined) {
    // Without an issuer the OIDC options would be silently ignored: say so instead.
    const given = OIDC_ONLY_OPTIONS.filter((key) => options[key] !== undefined);
    if (given.length > 0) {
      throw invalid(
        `${given.map((key) => `\`${key}\``).join(", ")} only work with an OpenID Provider: set \`issuer\` (AUTH_ISSUER) too, or remove them`,
      );
    }
  }
  // Setting an issuer asks for the OIDC routes: then every OIDC option must be valid now.
  const oidc =
    issuerText === undefined
      ? undefined
      : resolveOidcConfig({ ...options, issuer: issuerText }, env);
  const replayStore = options.logoutTokenReplayStore;
  if (
    replayStore !== undefined &&
    (typeof replayStore?.claimLogoutToken !== "function" ||
      typeof replayStore?.releaseLogoutToken !== "function")
  ) {
    throw invalid(
      "`logoutTokenReplayStore` must have `claimLogoutToken(jti, expiresAt)` and `releaseLogoutToken(jti)` methods",
    );
  }
  for (const [old, now] of Object.entries(RENAMED_OPTIONS)) {
    if (old in options) throw invalid(`\`${old}\` was renamed ${now}`);
  }
  for (const [old, now] of Object.entries(RENAMED_ENV)) {
    if (envText(env, old) !== undefined) throw invalid(`${old} was renamed ${now}`);
  }
  const otel = options.openTelemetry;
  if (
    otel !== undefined &&
    otel !== false &&
    typeof otel?.trace?.getTracerProvider !== "function"
  ) {
    throw invalid("`openTelemetry` must be the `@opentelemetry/api` module (or `false`)");
  }
  for (const hook of ["beforeSessionSaved", "onCallback", "onSessionEvent"] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== "function") {
      throw invalid(`\`${hook}\` must be a function`);
    }
  }

  const store = resolveStore(options.sessionStore);
  const rolling = boolean(options.rolling, env, "rolling", "AUTH_ROLLING") ?? true;
  const inactivityDuration = seconds(
    options.inactivityDuration,
    env,
    "inactivityDuration",
    "AUTH_INACTIVITY_DURATION",
    DAY,
  );
  const absoluteDuration = seconds(
    options.absoluteDuration,
    env,
    "absoluteDuration",
    "AUTH_ABSOLUTE_DURATION",
    3 * DAY,
  );
  const updateAge = seconds(
    options.updateAge,
    env,
    "updateAge",
    "AUTH_UPDATE_AGE",
    DEFAULT_UPDATE_AGE,
    true,
  );
  const acceptCookieSessions =
    boolean(
      options.acceptCookieSessions,
      env,
      "acceptCookieSessions",
      "AUTH_ACCEPT_COOKIE_SESSIONS",
    ) ??
    // A leaked secret must not mint sessions a stateful app (and back-channel logout) never saw.
    store === undefined;

  const config: AuthConfig = {
    secrets: resolveSecrets(options.secret, env.AUTH_SECRET),
    appBaseUrl:
      oidc?.appBaseUrl ??
      normalizedBaseUrl(optionalUrl(options.appBaseUrl ?? envText(env, "APP_BASE_URL"))),
    session: {
      store,
      rolling,
      inactivityDuration,
      absoluteDuration,
      // A session used more often than this must still roll before it ends.
      updateAge: Math.min(updateAge, inactivityDuration / 2),
      onStoreError: oneOf(
        options.onStoreError,
        env,
        "onStoreError",
        "AUTH_ON_STORE_ERROR",
        ["anonymous", "throw"],
        "anonymous",
      ),
      acceptCookieSessions,
      sealTokens: boolean(options.sealTokens, env, "sealTokens", "AUTH_SEAL_TOKENS") ?? true,
    },
    cookie: {
      name,
      domain: cookie.domain,
      path,
      sameSite,
      secure,
      transient: cookie.transient ?? false,
    },
    logger,
    oidc,
    enableAccessTokenEndpoint:
      boolean(
        options.enableAccessTokenEndpoint,
        env,
        "enableAccessTokenEndpoint",
        "AUTH_ENABLE_ACCESS_TOKEN_ENDPOINT",
      ) ?? true,
    onSessionEvent: options.onSessionEvent,
    postOnlyLogout:
      boolean(options.postOnlyLogout, env, "postOnlyLogout", "AUTH_POST_ONLY_LOGOUT") ?? false,
    trustProxy: boolean(options.trustProxy, env, "trustProxy", "AUTH_TRUST_PROXY") ?? false,
    production: env.NODE_ENV === "production",
  };
  // Not for an http://localhost `appBaseUrl`: that is `next start` on the developer's machine
  // (behind a real origin the provider would refuse its redirect URI, so it cannot go unnoticed).
  if (config.production && secure === false) {
    logger.warn(
      "sessionkit: NODE_ENV is production but session cookies will go out without Secure (`cookie.secure: false`)",
    );
  }
  // Logging the config (or the auth object) must not print a secret (the OIDC config holds one).
  for (const key of ["secrets", "oidc"] as const) {
    Object.defineProperty(config, key, { enumerable: false });
  }
  return config;
}

/** The app's origin (and base path) without a trailing slash, as the OIDC config keeps it. */
function normalizedBaseUrl(value: string | undefined): string | undefined {
  return value === undefined ? undefined : new URL(value).href.replace(/\/+$/, "");
}
