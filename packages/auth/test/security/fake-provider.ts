import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { NextRequest } from "next/server.js";
import { BACKCHANNEL_LOGOUT_EVENT } from "../../src/oidc/logout-token.js";

/**
 * A provider that exists only as a `fetch` function: its discovery document and JWKS, with the
 * issuer spelled exactly as `issuer` says (e.g. with a trailing slash the app's config lacks),
 * and a token endpoint answered by `token` when given.
 */
export interface FakeProvider {
  issuer: string;
  fetch: typeof fetch;
  /** A logout token signed by the provider's key; `header.typ: null` leaves `typ` out. */
  logoutToken(claims: JWTPayload, header?: { typ?: string | null }): Promise<string>;
  /** An ID token signed by the provider's key. */
  idToken(claims: JWTPayload): Promise<string>;
}

export async function fakeProvider(
  issuer: string,
  token?: (body: URLSearchParams, headers: Headers) => Response | Promise<Response>,
): Promise<FakeProvider> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = "fake-key";
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] };
  const origin = new URL(issuer).origin;
  const discovery = {
    issuer,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    jwks_uri: `${origin}/jwks`,
    end_session_endpoint: `${origin}/logout`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
  };
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const { pathname } = new URL(request.url);
    if (pathname.endsWith("/.well-known/openid-configuration")) return json(discovery);
    if (pathname === "/jwks") return json(jwks);
    if (pathname === "/token" && token) {
      return token(new URLSearchParams(await request.text()), request.headers);
    }
    return json({ error: "not_found" }, 404);
  }) as typeof fetch;
  const sign = (claims: JWTPayload, typ: string | null | undefined) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid, ...(typ === null ? {} : { typ: typ ?? "JWT" }) })
      .sign(privateKey);
  return {
    issuer,
    fetch: fetchFn,
    logoutToken: (claims, header = {}) =>
      sign(
        {
          iss: issuer,
          iat: Math.floor(Date.now() / 1000),
          jti: crypto.randomUUID(),
          events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
          ...claims,
        },
        header.typ === undefined ? "logout+jwt" : header.typ,
      ),
    idToken: (claims) => sign(claims, "JWT"),
  };
}

/** The form-encoded POST a provider sends to the back-channel logout route. */
export function backchannelPost(url: string, logoutToken: string): NextRequest {
  return new NextRequest(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ logout_token: logoutToken }),
  });
}
