import { requestCookies } from "../http/request-cookies.js";
import { applySessionWrites } from "../http/set-cookies.js";
import { describeFailure, jsonError, jsonResponse, methodNotAllowed } from "./responses.js";
import type { AuthRoute, OidcRouteContext } from "./types.js";

/**
 * `GET routes.accessToken`: `{ token, expiresAt, scope, tokenType }` for the session, refreshed
 * when expired or within `refreshBuffer`; 401 without a session or when the provider refuses the
 * refresh token; 502 when the provider is down. Never cached.
 */
export function accessTokenRoute(context: OidcRouteContext): AuthRoute {
  const { config, accessTokens } = context;
  return async function sessionkitAccessToken(request) {
    if (request.method !== "GET") return methodNotAllowed(["GET"]);
    try {
      const { accessToken, writes } = await accessTokens.get(requestCookies(request));
      const response =
        accessToken === null
          ? jsonError(401, "not_signed_in", "there is no session")
          : jsonResponse(200, accessToken);
      applySessionWrites(config, request, response, writes);
      return response;
    } catch (error) {
      const { status, reason } = describeFailure(error);
      if (status >= 500) config.logger.error("sessionkit: no access token", error);
      return jsonError(status, reason, "no access token could be obtained");
    }
  };
}
