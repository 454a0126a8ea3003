import { requestCookies } from "../http/request-cookies.js";
import { applySessionWrites } from "../http/set-cookies.js";
import type { CookieWrite } from "../session/session-cookies.js";
import { jsonError, jsonResponse, methodNotAllowed } from "./responses.js";
import type { AuthRoute, OidcRouteContext } from "./types.js";

/**
 * `GET routes.profile`: 200 with the user as JSON (rolling the session), 401 without a session
 * (what `useUser` reads as signed out), 503 while the store is down. Never cached.
 */
export function profileRoute(context: OidcRouteContext): AuthRoute {
  const { config, core } = context;
  return async function sessionkitProfile(request) {
    if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed(["GET"]);
    const now = Date.now();
    const read = await core.read(requestCookies(request), now);
    if (read.kind === "unavailable") {
      return jsonError(503, "store_unavailable", "the session store is unavailable");
    }
    if (read.kind !== "valid") {
      const response = jsonError(401, "not_signed_in", "there is no session");
      if (read.kind === "invalid") {
        applySessionWrites(config, request, response, core.clear(read.cookieNames));
      }
      return response;
    }
    let writes: CookieWrite[] = [];
    try {
      writes = await core.roll(read, now);
    } catch (error) {
      config.logger.error("sessionkit: rolling the session failed", error);
    }
    const response = jsonResponse(200, read.session.user);
    applySessionWrites(config, request, response, writes);
    return response;
  };
}
