import { NextResponse } from "next/server.js";
import { requestCookies } from "../http/request-cookies.js";
import { createLoginRequest } from "../oidc/login.js";
import { transactionCookiesToDrop } from "../oidc/transaction.js";
import {
  appendTransactionCookie,
  describeFailure,
  errorPage,
  methodNotAllowed,
  NO_STORE,
} from "./responses.js";
import type { AuthRoute, OidcRouteContext } from "./types.js";

/**
 * `GET routes.login`: a code + PKCE + state + nonce authorization request. The transaction goes
 * into a sealed `__txn_<state>` cookie; beyond `maxTransactions` the oldest are dropped, so
 * abandoned logins never grow the Cookie header.
 */
export function loginRoute(context: OidcRouteContext): AuthRoute {
  const { config, oidc, transactions } = context;
  return async function sessionkitLogin(request) {
    if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed(["GET"]);
    let login: Awaited<ReturnType<typeof createLoginRequest>>;
    try {
      login = await createLoginRequest(oidc, { query: request.nextUrl.searchParams });
    } catch (error) {
      const { status, reason } = describeFailure(error);
      config.logger.error("sessionkit: a login could not start", error);
      return errorPage(status, "Sign-in is unavailable", reason, request.nextUrl.pathname);
    }
    const drop = transactionCookiesToDrop(Object.keys(requestCookies(request)), {
      max: oidc.maxTransactions,
      maxAge: oidc.transactionMaxAge,
    });
    const sealed = await transactions.seal({ ...login.transaction });
    const response = NextResponse.redirect(login.url, 302);
    for (const name of drop) appendTransactionCookie(config, request, response, name, "", 0);
    appendTransactionCookie(
      config,
      request,
      response,
      login.cookieName,
      sealed,
      oidc.transactionMaxAge,
    );
    response.headers.set("cache-control", NO_STORE);
    return response;
  };
}
