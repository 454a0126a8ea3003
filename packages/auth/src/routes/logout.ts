import { NextResponse } from "next/server.js";
import { requestCookies } from "../http/request-cookies.js";
import { applySessionWrites } from "../http/set-cookies.js";
import { buildLogoutUrl } from "../oidc/logout-url.js";
import { safeReturnTo } from "../oidc/safe-return-to.js";
import { methodNotAllowed, NO_STORE } from "./responses.js";
import type { AuthRoute, OidcRouteContext } from "./types.js";

/**
 * `GET|POST routes.logout`: ends the session (store record and cookies), then sends the browser to
 * the provider's `end_session_endpoint` with `id_token_hint` and `post_logout_redirect_uri`. A
 * `returnTo` is used only when same-origin; it must also be registered with the provider.
 */
export function logoutRoute(context: OidcRouteContext): AuthRoute {
  const { config, oidc, core } = context;
  return async function sessionkitLogout(request) {
    if (request.method !== "GET" && request.method !== "POST") {
      return methodNotAllowed(["GET", "POST"]);
    }
    const jar = requestCookies(request);
    const read = await core.read(jar);
    const idToken = read.kind === "valid" ? read.session.tokenSet.idToken : undefined;
    const writes = await core.destroy(jar, read);
    const postLogoutRedirectUri = safeReturnTo(
      request.nextUrl.searchParams.get("returnTo"),
      oidc.appBaseUrl,
    );
    let target: URL;
    try {
      ({ url: target } = await buildLogoutUrl(oidc, {
        ...(idToken === undefined ? {} : { idToken }),
        ...(postLogoutRedirectUri === undefined ? {} : { postLogoutRedirectUri }),
      }));
    } catch (error) {
      // The local session is over whatever the provider does.
      config.logger.error("sessionkit: the provider logout URL could not be built", error);
      target = new URL(postLogoutRedirectUri ?? oidc.postLogoutRedirectUri);
    }
    const response = NextResponse.redirect(target, 302);
    response.headers.set("cache-control", NO_STORE);
    applySessionWrites(config, request, response, writes);
    return response;
  };
}
