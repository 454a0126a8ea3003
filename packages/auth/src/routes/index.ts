import { DEFAULT_ROUTES } from "../oidc/config.js";
import { accessTokenRoute } from "./access-token.js";
import { backchannelLogoutRoute } from "./backchannel-logout.js";
import { callbackRoute } from "./callback.js";
import { loginRoute } from "./login.js";
import { logoutRoute } from "./logout.js";
import { profileRoute } from "./profile.js";
import { jsonError } from "./responses.js";
import type { AuthRoute, AuthRouteContext, AuthRouteTable, OidcRouteContext } from "./types.js";

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
  if (!oidc || !context.accessTokens || !context.replayStore) {
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

export type { AuthRoute, AuthRouteContext, AuthRouteTable, OidcRouteContext } from "./types.js";
