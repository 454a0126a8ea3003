import { type Env, processEnv } from "../env.js";
import { absoluteUrl, checkHttps, invalid, label, number, pick, required } from "../validate.js";
import { createDiscoveryCache, type DiscoveryCache } from "./discovery-cache.js";
import { createJwksCache, type JwksCache } from "./jwks-cache.js";
import type { FetchFunction } from "./types.js";

export type { FetchFunction } from "./types.js";

/** How the client authenticates at the token endpoint. */
export type ClientAuthMethod =
  | "client_secret_basic"
  | "client_secret_post"
  | "private_key_jwt"
  | "none";

/** A private key for `private_key_jwt` client authentication. */
export interface ClientAssertionKey {
  /** The private `CryptoKey` (RSA, EC, Ed25519) that signs client assertions. */
  key: CryptoKey;
  /** The key id (`kid`) registered with the provider. @default none */
  kid?: string;
}

/** Paths of the routes the middleware mounts. Each starts with `/`. */
export interface OidcRoutes {
  /** Starts a login. @default "/auth/login" */
  login: string;
  /** The redirect URI the provider returns to. @default "/auth/callback" */
  callback: string;
  /** Ends the session, then RP-initiated logout. @default "/auth/logout" */
  logout: string;
  /** Answers the user as JSON. @default "/auth/profile" */
  profile: string;
  /** Answers a valid access token. @default "/auth/access-token" */
  accessToken: string;
  /** OIDC Back-Channel Logout endpoint. @default "/auth/backchannel-logout" */
  backchannelLogout: string;
}

/** Options of {@link resolveOidcConfig}. Every option also reads from the env variable named. */
export interface OidcOptions {
  /** The provider's issuer URL; `http:` only on localhost/127.0.0.1. Env `AUTH_ISSUER`. @default required */
  issuer?: string;
  /** The client id registered with the provider. Env `AUTH_CLIENT_ID`. @default required */
  clientId?: string;
  /** The client secret. Env `AUTH_CLIENT_SECRET`. @default required unless `clientAuthMethod` is `none` or `private_key_jwt` */
  clientSecret?: string;
  /** Token endpoint authentication. Env `AUTH_CLIENT_AUTH_METHOD`. @default "client_secret_basic" with a secret, "private_key_jwt" with a key */
  clientAuthMethod?: ClientAuthMethod;
  /** Key for `private_key_jwt`. @default none */
  clientAssertionKey?: ClientAssertionKey;
  /** The app's public origin (and base path), e.g. `https://app.example`. Env `APP_BASE_URL`. @default required */
  appBaseUrl?: string;
  /** Space-separated scopes; must contain `openid`. Env `AUTH_SCOPE`. @default "openid profile email offline_access" */
  scope?: string;
  /** Static parameters added to every authorization request (e.g. `audience`, `prompt`). @default {} */
  authorizationParameters?: Record<string, string>;
  /** Query parameters of the login route forwarded to the provider. @default ["login_hint", "screen_hint", "ui_locales"] */
  allowedLoginParameters?: readonly string[];
  /** Route paths. @default see {@link OidcRoutes} */
  routes?: Partial<OidcRoutes>;
  /** Where the provider sends the user after logout, absolute or a path on the app; register it with the provider. Env `AUTH_POST_LOGOUT_REDIRECT_URI`. @default `${appBaseUrl}/` */
  postLogoutRedirectUri?: string;
  /** Timeout of every request to the provider (discovery, token, JWKS), in seconds. Env `AUTH_PROVIDER_TIMEOUT`. @default 5 */
  providerTimeout?: number;
  /** How long discovery metadata is cached, in seconds. Env `AUTH_DISCOVERY_CACHE_TTL`. @default 600 */
  discoveryCacheTtl?: number;
  /** Refresh the access token this many seconds before it expires. Env `AUTH_REFRESH_BUFFER`. @default 60 */
  refreshBuffer?: number;
  /** Clock skew tolerated when checking token times, in seconds. Env `AUTH_CLOCK_TOLERANCE`. @default 30 */
  clockTolerance?: number;
  /** How long a login transaction stays valid, in seconds. Env `AUTH_TRANSACTION_MAX_AGE`. @default 600 */
  transactionMaxAge?: number;
  /** How many login transactions may be pending at once; older ones are dropped. Env `AUTH_MAX_TRANSACTIONS`. @default 3 */
  maxTransactions?: number;
  /** Expected ID token signing algorithm. Env `AUTH_ID_TOKEN_SIGNING_ALG`. @default "RS256" */
  idTokenSigningAlg?: string;
  /** The `fetch` used for every request to the provider (proxies, tests). @default globalThis.fetch */
  fetch?: FetchFunction;
}

/** The validated OIDC configuration. Resolve it once: it owns the discovery and JWKS caches. */
export interface OidcConfig {
  /** The issuer as configured (compared loosely with the discovered one, which then wins). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly clientAuthMethod: ClientAuthMethod;
  readonly clientAssertionKey: ClientAssertionKey | undefined;
  /** The app's base URL without a trailing slash. */
  readonly appBaseUrl: string;
  /** `appBaseUrl` + `routes.callback`. */
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  readonly scope: string;
  readonly authorizationParameters: Readonly<Record<string, string>>;
  readonly allowedLoginParameters: readonly string[];
  readonly routes: Readonly<OidcRoutes>;
  /** Milliseconds. */
  readonly providerTimeout: number;
  /** Seconds. */
  readonly discoveryCacheTtl: number;
  /** Seconds. */
  readonly refreshBuffer: number;
  /** Seconds. */
  readonly clockTolerance: number;
  /** Seconds. */
  readonly transactionMaxAge: number;
  readonly maxTransactions: number;
  readonly idTokenSigningAlg: string;
  /** True when the issuer is plain `http:` on a loopback host. */
  readonly allowInsecureRequests: boolean;
  readonly fetch: FetchFunction | undefined;
  readonly discoveryCache: DiscoveryCache;
  readonly jwksCache: JwksCache;
}

/** The environment variables {@link resolveOidcConfig} reads. */
export type OidcEnv = Env;

export const DEFAULT_ROUTES: Readonly<OidcRoutes> = Object.freeze({
  login: "/auth/login",
  callback: "/auth/callback",
  logout: "/auth/logout",
  profile: "/auth/profile",
  accessToken: "/auth/access-token",
  backchannelLogout: "/auth/backchannel-logout",
});

export const DEFAULT_SCOPE = "openid profile email offline_access";

/** Parameters the login flow sets itself: neither static nor query parameters may override them. */
export const RESERVED_AUTHORIZATION_PARAMETERS: ReadonlySet<string> = new Set([
  "client_id",
  "redirect_uri",
  "response_type",
  "response_mode",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
  "request",
  "request_uri",
]);

const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  "client_secret_basic",
  "client_secret_post",
  "private_key_jwt",
  "none",
];

function parameterName(value: string, name: string): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9_.-]+$/.test(value)) {
    throw invalid(name, "must hold parameter names of letters, digits, '_', '.' or '-'");
  }
  if (RESERVED_AUTHORIZATION_PARAMETERS.has(value)) {
    throw invalid(name, `must not set "${value}": the login flow sets it`);
  }
  return value;
}

function routePath(value: unknown, key: keyof OidcRoutes): string {
  const name = label(`routes.${key}`);
  if (typeof value !== "string" || !/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/.test(value)) {
    throw invalid(name, "must be a path starting with '/'");
  }
  if (value.startsWith("//") || value.includes("/../") || value.endsWith("/..")) {
    throw invalid(name, "must be a plain path (no '//' prefix, no '..')");
  }
  return value.length > 1 && value.endsWith("/") ? value.slice(0, -1) : value;
}

/**
 * Validates the OIDC options, filling gaps from `env`. Throws an {@link AuthError} with code
 * `AUTH_CONFIG_INVALID` naming the option and its env variable when a value is missing or malformed.
 */
export function resolveOidcConfig(
  options: OidcOptions = {},
  env: OidcEnv = processEnv(),
): OidcConfig {
  const issuerText = required(options.issuer, env, "issuer", "AUTH_ISSUER");
  const issuerUrl = absoluteUrl(issuerText, label("issuer", "AUTH_ISSUER"));
  checkHttps(issuerUrl, label("issuer", "AUTH_ISSUER"));
  if (issuerUrl.search !== "" || issuerUrl.hash !== "" || issuerUrl.username !== "") {
    throw invalid(label("issuer", "AUTH_ISSUER"), "must not have a query, fragment or credentials");
  }

  const clientId = required(options.clientId, env, "clientId", "AUTH_CLIENT_ID");
  const clientSecret = pick(options.clientSecret, env, "AUTH_CLIENT_SECRET");
  const clientAssertionKey = options.clientAssertionKey;
  const methodText = pick(options.clientAuthMethod, env, "AUTH_CLIENT_AUTH_METHOD");
  if (methodText !== undefined && !CLIENT_AUTH_METHODS.includes(methodText as ClientAuthMethod)) {
    throw invalid(
      label("clientAuthMethod", "AUTH_CLIENT_AUTH_METHOD"),
      `must be one of ${CLIENT_AUTH_METHODS.join(", ")}`,
    );
  }
  const clientAuthMethod: ClientAuthMethod =
    (methodText as ClientAuthMethod | undefined) ??
    (clientAssertionKey !== undefined && clientSecret === undefined
      ? "private_key_jwt"
      : "client_secret_basic");
  if (
    (clientAuthMethod === "client_secret_basic" || clientAuthMethod === "client_secret_post") &&
    (clientSecret === undefined || clientSecret === "")
  ) {
    throw invalid(
      label("clientSecret", "AUTH_CLIENT_SECRET"),
      `is required with clientAuthMethod "${clientAuthMethod}"`,
    );
  }
  if (clientAuthMethod === "private_key_jwt") {
    const key = clientAssertionKey?.key as { type?: unknown } | undefined;
    if (key === undefined || key.type !== "private") {
      throw invalid(
        label("clientAssertionKey"),
        'must hold a private CryptoKey with clientAuthMethod "private_key_jwt"',
      );
    }
  }

  const baseText = required(options.appBaseUrl, env, "appBaseUrl", "APP_BASE_URL");
  const baseUrl = absoluteUrl(baseText, label("appBaseUrl", "APP_BASE_URL"));
  checkHttps(baseUrl, label("appBaseUrl", "APP_BASE_URL"));
  if (
    baseUrl.search !== "" ||
    baseUrl.hash !== "" ||
    baseUrl.username !== "" ||
    baseUrl.password !== ""
  ) {
    throw invalid(
      label("appBaseUrl", "APP_BASE_URL"),
      "must not have a query, fragment or credentials",
    );
  }
  const appBaseUrl = baseUrl.href.replace(/\/+$/, "");

  const scope = (pick(options.scope, env, "AUTH_SCOPE") ?? DEFAULT_SCOPE)
    .trim()
    .replace(/\s+/g, " ");
  if (!scope.split(" ").includes("openid")) {
    throw invalid(label("scope", "AUTH_SCOPE"), 'must include "openid"');
  }

  const authorizationParameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.authorizationParameters ?? {})) {
    parameterName(key, label("authorizationParameters"));
    if (typeof value !== "string") {
      throw invalid(label(`authorizationParameters.${key}`), "must be a string");
    }
    authorizationParameters[key] = value;
  }

  const allowedLoginParameters = (
    options.allowedLoginParameters ?? ["login_hint", "screen_hint", "ui_locales"]
  ).map((name) => parameterName(name, label("allowedLoginParameters")));

  const routes = {} as OidcRoutes;
  for (const key of Object.keys(DEFAULT_ROUTES) as (keyof OidcRoutes)[]) {
    routes[key] = routePath(options.routes?.[key] ?? DEFAULT_ROUTES[key], key);
  }
  const paths = new Set(Object.values(routes));
  if (paths.size !== Object.keys(routes).length) {
    throw invalid(label("routes"), "must give every route its own path");
  }

  const postLogoutText = pick(options.postLogoutRedirectUri, env, "AUTH_POST_LOGOUT_REDIRECT_URI");
  let postLogoutRedirectUri = `${appBaseUrl}/`;
  if (postLogoutText !== undefined) {
    const name = label("postLogoutRedirectUri", "AUTH_POST_LOGOUT_REDIRECT_URI");
    if (postLogoutText.startsWith("/") && !postLogoutText.startsWith("//")) {
      postLogoutRedirectUri = appBaseUrl + postLogoutText;
    } else {
      const url = absoluteUrl(postLogoutText, name);
      checkHttps(url, name);
      postLogoutRedirectUri = url.href;
    }
  }

  const fetchFunction = options.fetch;
  if (fetchFunction !== undefined && typeof fetchFunction !== "function") {
    throw invalid(label("fetch"), "must be a function");
  }

  const idTokenSigningAlg =
    pick(options.idTokenSigningAlg, env, "AUTH_ID_TOKEN_SIGNING_ALG") ?? "RS256";
  if (idTokenSigningAlg === "none" || /^HS/i.test(idTokenSigningAlg)) {
    throw invalid(
      label("idTokenSigningAlg", "AUTH_ID_TOKEN_SIGNING_ALG"),
      "must be an asymmetric algorithm",
    );
  }

  return Object.freeze({
    issuer: issuerText,
    clientId,
    clientSecret,
    clientAuthMethod,
    clientAssertionKey,
    appBaseUrl,
    redirectUri: appBaseUrl + routes.callback,
    postLogoutRedirectUri,
    scope,
    authorizationParameters: Object.freeze(authorizationParameters),
    allowedLoginParameters: Object.freeze(allowedLoginParameters),
    routes: Object.freeze(routes),
    providerTimeout: number(
      options.providerTimeout,
      env,
      "providerTimeout",
      "AUTH_PROVIDER_TIMEOUT",
      5,
      { min: 0.001, integer: false },
    ),
    discoveryCacheTtl: number(
      options.discoveryCacheTtl,
      env,
      "discoveryCacheTtl",
      "AUTH_DISCOVERY_CACHE_TTL",
      600,
      { min: 0, integer: false },
    ),
    refreshBuffer: number(options.refreshBuffer, env, "refreshBuffer", "AUTH_REFRESH_BUFFER", 60, {
      min: 0,
      integer: false,
    }),
    clockTolerance: number(
      options.clockTolerance,
      env,
      "clockTolerance",
      "AUTH_CLOCK_TOLERANCE",
      30,
      { min: 0, integer: true },
    ),
    transactionMaxAge: number(
      options.transactionMaxAge,
      env,
      "transactionMaxAge",
      "AUTH_TRANSACTION_MAX_AGE",
      600,
      { min: 1, integer: true },
    ),
    maxTransactions: number(
      options.maxTransactions,
      env,
      "maxTransactions",
      "AUTH_MAX_TRANSACTIONS",
      3,
      {
        min: 1,
        integer: true,
      },
    ),
    idTokenSigningAlg,
    allowInsecureRequests: issuerUrl.protocol === "http:",
    fetch: fetchFunction,
    discoveryCache: createDiscoveryCache(),
    jwksCache: createJwksCache(),
  });
}
