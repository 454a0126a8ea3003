import type { NextRequest } from "next/server.js";
import type { AccessTokens } from "./access-token.js";
import type { AuthConfig } from "./config.js";
import { DEFAULT_ROUTES } from "./oidc/config.js";
import type { LogoutTokenReplayCache } from "./oidc/replay-cache.js";
import type { BeforeSessionSaved, OnCallback } from "./options.js";
import { accessTokenRoute } from "./routes/access-token.js";
import { backchannelLogoutRoute } from "./routes/backchannel-logout.js";
import { callbackRoute } from "./routes/callback.js";
import { loginRoute } from "./routes/login.js";
import { logoutRoute } from "./routes/logout.js";
import { profileRoute } from "./routes/profile.js";
import { jsonError } from "./routes/responses.js";
import type { Sealer } from "./session/sealer.js";
import type { SessionCore } from "./session/session-core.js";

/** A route `middleware` answers itself (login, callback, logout…): a request in, a response out. */
export type AuthRoute = (request: NextRequest) => Promise<Response>;

/** Routes by exact pathname; `middleware` consults it before rolling the session. */
export type AuthRouteTable = ReadonlyMap<string, AuthRoute>;

/** What a route needs from the core to read and write sessions. */
export interface AuthRouteContext {
  config: AuthConfig;
  /** Sessions: read, save (fresh id), update, destroy; cookie writes come back for the response. */
  core: SessionCore;
  /** Seals login transactions (state, nonce, PKCE verifier) under keys of their own. */
  transactions: Sealer;
  /** Access tokens with single-flight refresh; absent without OIDC. */
  accessTokens?: AccessTokens;
  /** Where seen logout token `jti`s are remembered; absent without OIDC. */
  replayCache?: LogoutTokenReplayCache;
  beforeSessionSaved?: BeforeSessionSaved;
  onCallback?: OnCallback;
}

/** The context once OIDC is configured: the routes can count on all of it. */
export type OidcRouteContext = Required<
  Pick<AuthRouteContext, "config" | "core" | "transactions" | "accessTokens" | "replayCache">
> &
  AuthRouteContext & { oidc: NonNullable<AuthConfig["oidc"]> };

async function notConfigured(): Promise<Response> {
  return jsonError(
    501,
    "oidc_not_configured",
    "sessionkit runs without an OpenID Provider: set `issuer` (AUTH_ISSUER), `clientId`, `clientSecret` and `appBaseUrl` in createAuth() to enable the /auth routes",
  );
}

/**
 * The routes `middleware` serves, by path. With OIDC configured: login, callback, logout, profile,
 * access token (unless turned off) and back-channel logout. Without it (a session-only
 * `createAuth`), the default paths answer 501 with an explanation instead of reaching the app.
 */
export function createRouteTable(context: AuthRouteContext): AuthRouteTable {
  const { oidc } = context.config;
  if (!oidc || !context.accessTokens || !context.replayCache) {
    return new Map(Object.values(DEFAULT_ROUTES).map((path) => [path, notConfigured]));
  }
  const full = { ...context, oidc } as OidcRouteContext;
  const table = new Map<string, AuthRoute>([
    [oidc.routes.login, loginRoute(full)],
    [oidc.routes.callback, callbackRoute(full)],
    [oidc.routes.logout, logoutRoute(full)],
    [oidc.routes.profile, profileRoute(full)],
    [oidc.routes.backchannelLogout, backchannelLogoutRoute(full)],
  ]);
  if (context.config.enableAccessTokenEndpoint) {
    table.set(oidc.routes.accessToken, accessTokenRoute(full));
  }
  return table;
}
