import { NextResponse } from "next/server.js";
import { AuthError, toAuthError } from "../errors.js";
import { requestCookies } from "../http/request-cookies.js";
import { applySessionWrites } from "../http/set-cookies.js";
import { handleCallback } from "../oidc/callback.js";
import {
  isLoginTransaction,
  type LoginTransaction,
  transactionCookieName,
} from "../oidc/transaction.js";
import { sessionExpiresAt } from "../session/expiry.js";
import type { CookieWrite } from "../session/session-cookies.js";
import type { SessionData } from "../store/types.js";
import {
  appendTransactionCookie,
  describeFailure,
  errorPage,
  isCookieToken,
  NO_STORE,
} from "./responses.js";
import type { AuthRoute, OidcRouteContext } from "./types.js";

/** A copy whose headers can be changed (`Response.redirect()` and others are immutable). */
function mutable(response: Response): NextResponse {
  return new NextResponse(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });
}

/**
 * `GET routes.callback`: checks the answer against its transaction cookie, exchanges the code,
 * runs `beforeSessionSaved` and starts a session under a fresh id, then redirects to `returnTo`.
 * Every failure is a 4xx page (502/503 when the provider or the store failed, 500 and logged for a
 * bug); the transaction cookie is deleted either way.
 */
export function callbackRoute(context: OidcRouteContext): AuthRoute {
  const { config, oidc, core, transactions, beforeSessionSaved, onCallback } = context;

  async function readTransaction(cookie: string | undefined) {
    if (cookie === undefined || cookie === "") return undefined;
    const opened = await transactions.open(cookie);
    if (opened?.format !== "sessionkit" || !isLoginTransaction(opened.payload)) return undefined;
    return opened.payload as unknown as LoginTransaction;
  }

  return async function sessionkitCallback(request) {
    const jar = requestCookies(request);
    const state = request.nextUrl.searchParams.get("state");
    const cookieName =
      state !== null && state !== "" && isCookieToken(transactionCookieName(state))
        ? transactionCookieName(state)
        : undefined;
    const transaction =
      cookieName === undefined ? undefined : await readTransaction(jar[cookieName]);

    let error: AuthError | null = null;
    let session: SessionData | null = null;
    let writes: CookieWrite[] = [];
    let returnTo: string | undefined = transaction?.returnTo;
    try {
      const now = Date.now();
      const result = await handleCallback(oidc, request, transaction, {
        now,
        sessionDuration: config.session.absoluteDuration,
      });
      returnTo = result.returnTo;
      let fresh = result.session;
      fresh.internal = {
        ...fresh.internal,
        createdAt: now,
        expiresAt: sessionExpiresAt(config.session, now, now),
      };
      if (beforeSessionSaved) {
        try {
          fresh = await beforeSessionSaved(structuredClone(fresh), fresh.tokenSet.idToken);
        } catch (cause) {
          throw new AuthError("AUTH_SESSION_REJECTED", "beforeSessionSaved refused the session", {
            cause,
          });
        }
      }
      writes = await core.save(jar, fresh, now);
      session = fresh;
    } catch (caught) {
      error = toAuthError(caught);
      // Messages hold no token or secret; the provider's own error says what to fix.
      if (error.status >= 500) {
        config.logger.error(`sessionkit: the login callback failed: ${error.message}`, caught);
      }
    }

    let response: NextResponse | undefined;
    if (onCallback) {
      try {
        response = mutable(await onCallback(error, { request, returnTo }, session));
      } catch (hookError) {
        config.logger.error("sessionkit: onCallback threw; answering the default", hookError);
      }
    }
    if (response === undefined) {
      if (error === null) {
        response = NextResponse.redirect(returnTo ?? `${oidc.appBaseUrl}/`, 302);
      } else {
        const { status, reason } = describeFailure(error);
        response = errorPage(
          status,
          "Sign-in failed",
          reason,
          `${oidc.appBaseUrl}${oidc.routes.login}`,
        );
      }
    }
    // Whatever the hook answered (an error page too): per user, never cached.
    response.headers.set("cache-control", NO_STORE);
    if (cookieName !== undefined && jar[cookieName] !== undefined) {
      appendTransactionCookie(config, request, response, cookieName, "", 0);
    }
    if (session !== null) applySessionWrites(config, request, response, writes);
    return response;
  };
}
