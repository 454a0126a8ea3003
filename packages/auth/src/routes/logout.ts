import { NextResponse } from "next/server.js";
import { requestCookies } from "../http/request-cookies.js";
import { applySessionWrites } from "../http/set-cookies.js";
import { buildLogoutUrl } from "../oidc/logout-url.js";
import { safeReturnTo } from "../oidc/safe-return-to.js";
import { errorPage, methodNotAllowed, NO_STORE } from "./responses.js";
import type { AuthRoute, OidcRouteContext } from "./types.js";

/** Whether the request is a speculative load (Next `<Link>` prefetch, browser prefetch/prerender). */
export function isPrefetch(headers: Headers): boolean {
  if (headers.has("next-router-prefetch")) return true;
  const purpose = `${headers.get("sec-purpose") ?? ""},${headers.get("purpose") ?? ""}`;
  return /(^|[\s,;])prefetch\b/i.test(purpose);
}

/**
 * Whether another site started the request: `Sec-Fetch-Site: cross-site`, or (browsers without
 * it) an `Origin` that is not the app's, `null` included (a sandboxed frame, a cross-origin
 * redirect). `same-site` (a sibling subdomain) is not refused.
 */
export function isCrossSite(headers: Headers, appOrigin: string): boolean {
  if (headers.get("sec-fetch-site")?.toLowerCase() === "cross-site") return true;
  const origin = headers.get("origin");
  return origin !== null && origin !== appOrigin;
}

/**
 * `GET|POST routes.logout` (`POST` only with `postOnlyLogout`): ends the session (store record and
 * cookies), then sends the browser to the provider's `end_session_endpoint` with `id_token_hint`
 * and `post_logout_redirect_uri`. A `returnTo` is used only when same-origin; it must also be
 * registered with the provider. A prefetch is answered 204 and a request from another site 403,
 * both ending nothing: a `<Link>` prefetch or a cross-site link must not sign the user out.
 */
export function logoutRoute(context: OidcRouteContext): AuthRoute {
  const { config, oidc, core } = context;
  const methods = config.postOnlyLogout ? ["POST"] : ["GET", "POST"];
  const appOrigin = new URL(oidc.appBaseUrl).origin;
  return async function sessionkitLogout(request) {
    if (!methods.includes(request.method)) return methodNotAllowed(methods);
    if (isPrefetch(request.headers)) {
      return new Response(null, { status: 204, headers: { "cache-control": NO_STORE } });
    }
    if (isCrossSite(request.headers, appOrigin)) {
      return errorPage(403, "Sign-out refused", "Signing out must start from this site.");
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
