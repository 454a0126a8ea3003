import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleCallback } from "../../src/oidc/callback.js";
import {
  type FetchFunction,
  type OidcConfig,
  type OidcOptions,
  resolveOidcConfig,
} from "../../src/oidc/config.js";
import { discover } from "../../src/oidc/discovery.js";
import { createLoginRequest } from "../../src/oidc/login.js";
import { buildLogoutUrl } from "../../src/oidc/logout-url.js";
import { isOidcError, type OidcErrorCode } from "../../src/oidc/oidc-error.js";
import { type RefreshResult, refreshTokenSet } from "../../src/oidc/refresh.js";
import { createSingleFlight } from "../../src/oidc/single-flight.js";
import { startTestProvider, type TestProvider } from "./provider.js";

let op: TestProvider;
let other: TestProvider;

beforeAll(async () => {
  [op, other] = await Promise.all([startTestProvider(), startTestProvider()]);
});

afterAll(async () => {
  await Promise.all([op?.close(), other?.close()]);
});

function configFor(provider: TestProvider, overrides: OidcOptions = {}): OidcConfig {
  return resolveOidcConfig(
    {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      appBaseUrl: provider.appBaseUrl,
      // oidc-provider grants offline_access (a refresh token) only with prompt=consent.
      authorizationParameters: { prompt: "consent" },
      ...overrides,
    },
    {},
  );
}

/** A fetch that counts requests to the token endpoint. */
function countingFetch(): { fetch: FetchFunction; tokenRequests: () => number } {
  let count = 0;
  return {
    fetch: (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith("/token")) count += 1;
      return fetch(input, init);
    },
    tokenRequests: () => count,
  };
}

async function expectOidcError(promise: Promise<unknown>, code: OidcErrorCode, reason?: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isOidcError(error), `expected an OidcError ${code}, got ${String(error)}`).toBe(true);
  if (!isOidcError(error)) return;
  expect(error.code).toBe(code);
  if (reason !== undefined) expect(error.reason).toBe(reason);
  expect(error.status).toBeGreaterThanOrEqual(400);
  expect(error.status).toBeLessThan(500);
}

async function login(config: OidcConfig, accountId = "user-1") {
  const request = await createLoginRequest(config, {
    query: new URLSearchParams({ returnTo: "/dashboard?tab=1" }),
  });
  const callbackUrl = await op.browser().authorize(request.url, { accountId });
  return { request, callbackUrl };
}

describe("login", () => {
  it("builds a code + PKCE S256 + state + nonce authorization URL", async () => {
    const config = configFor(op, { allowedLoginParameters: ["login_hint"] });
    const { url, transaction, cookieName } = await createLoginRequest(config, {
      query: new URLSearchParams({
        login_hint: "someone@example.test",
        redirect_uri: "https://evil.example/cb",
        ui_locales: "fr",
        returnTo: "//evil.com",
      }),
      now: 1_700_000_000_000,
    });
    expect(url.origin + url.pathname).toBe(`${op.issuer}/auth`);
    const params = url.searchParams;
    expect(params.get("response_type")).toBe("code");
    expect(params.get("client_id")).toBe(op.clientId);
    expect(params.get("redirect_uri")).toBe(`${op.appBaseUrl}/auth/callback`);
    expect(params.get("scope")).toBe("openid profile email offline_access");
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("state")).toBe(transaction.state);
    expect(params.get("nonce")).toBe(transaction.nonce);
    expect(params.get("prompt")).toBe("consent");
    expect(params.get("login_hint")).toBe("someone@example.test");
    expect(params.has("ui_locales")).toBe(false);
    expect(params.getAll("redirect_uri")).toHaveLength(1);
    const challenge = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(transaction.codeVerifier)),
    );
    expect(params.get("code_challenge")).toBe(Buffer.from(challenge).toString("base64url"));
    expect(transaction.returnTo).toBe(`${op.appBaseUrl}/`);
    expect(transaction.createdAt).toBe(1_700_000_000_000);
    expect(cookieName).toBe(`__txn_${transaction.state}`);
    expect(transaction.state.length).toBeGreaterThanOrEqual(40);
  });

  it("gives every login its own state, nonce and verifier", async () => {
    const config = configFor(op);
    const [a, b] = await Promise.all([createLoginRequest(config), createLoginRequest(config)]);
    expect(a.transaction.state).not.toBe(b.transaction.state);
    expect(a.transaction.nonce).not.toBe(b.transaction.nonce);
    expect(a.transaction.codeVerifier).not.toBe(b.transaction.codeVerifier);
  });
});

describe("callback", () => {
  it("completes the code flow against the provider and produces a SessionData", async () => {
    const config = configFor(op);
    const { request, callbackUrl } = await login(config, "alice");
    const now = Date.now();
    const result = await handleCallback(config, new Request(callbackUrl), request.transaction, {
      now,
    });
    const { session } = result;
    expect(result.returnTo).toBe(`${op.appBaseUrl}/dashboard?tab=1`);
    expect(session.user).toEqual({
      sub: "alice",
      email: "alice@example.test",
      email_verified: true,
      name: "User alice",
      nickname: "alice",
    });
    expect(session.internal.iss).toBe(op.issuer);
    expect(session.internal.sid).toEqual(expect.any(String));
    expect(session.internal.sid).toBe(result.idTokenClaims.sid);
    expect(session.internal.createdAt).toBe(now);
    expect(session.internal.expiresAt).toBe(now + 259_200_000);
    expect(session.tokenSet.accessToken).toEqual(expect.any(String));
    expect(session.tokenSet.idToken?.split(".")).toHaveLength(3);
    expect(session.tokenSet.refreshToken).toEqual(expect.any(String));
    expect(session.tokenSet.tokenType).toBe("bearer");
    expect(session.tokenSet.expiresAt).toBe(now + 3_600_000);
    expect(session.tokenSet.scope).toContain("openid");
    // Plain JSON: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(session))).toEqual(session);
  });

  it("rejects a callback without state, or whose state does not match the transaction", async () => {
    const config = configFor(op);
    const { request, callbackUrl } = await login(config);
    const noState = new URL(callbackUrl);
    noState.searchParams.delete("state");
    await expectOidcError(
      handleCallback(config, noState, request.transaction),
      "OIDC_CALLBACK_INVALID",
      "state_missing",
    );
    const wrongState = new URL(callbackUrl);
    wrongState.searchParams.set("state", `${request.transaction.state}x`);
    await expectOidcError(
      handleCallback(config, wrongState, request.transaction),
      "OIDC_CALLBACK_INVALID",
      "state_mismatch",
    );
    await expectOidcError(
      handleCallback(config, callbackUrl, undefined),
      "OIDC_CALLBACK_INVALID",
      "transaction_missing",
    );
    await expectOidcError(
      handleCallback(config, callbackUrl, request.transaction, {
        now: request.transaction.createdAt + 601_000,
      }),
      "OIDC_CALLBACK_INVALID",
      "transaction_expired",
    );
    // None of the above spent the code: the genuine callback still works.
    const { session } = await handleCallback(config, callbackUrl, request.transaction);
    expect(session.user.sub).toBe("user-1");
  });

  it("rejects a replayed code", async () => {
    const config = configFor(op);
    const { request, callbackUrl } = await login(config);
    await handleCallback(config, callbackUrl, request.transaction);
    await expectOidcError(
      handleCallback(config, callbackUrl, request.transaction),
      "OIDC_CODE_REJECTED",
      "invalid_grant",
    );
  });

  // Each field swapped for the one of another login: the provider or the ID token check refuses it.
  it.each([
    [
      "a code exchanged with another PKCE verifier",
      "codeVerifier",
      "OIDC_CODE_REJECTED",
      "invalid_grant",
    ],
    [
      "an ID token whose nonce is not the transaction's",
      "nonce",
      "OIDC_ID_TOKEN_INVALID",
      "nonce_mismatch",
    ],
  ] as const)("rejects %s", async (_, field, code, reason) => {
    const config = configFor(op);
    const { request, callbackUrl } = await login(config);
    const other = await createLoginRequest(config);
    await expectOidcError(
      handleCallback(config, callbackUrl, {
        ...request.transaction,
        [field]: other.transaction[field],
      }),
      code,
      reason,
    );
  });

  it("rejects a callback that names another issuer", async () => {
    const config = configFor(op);
    const { request, callbackUrl } = await login(config);
    const forged = new URL(callbackUrl);
    forged.searchParams.set("iss", other.issuer);
    await expectOidcError(
      handleCallback(config, forged, request.transaction),
      "OIDC_CALLBACK_INVALID",
      "issuer_mismatch",
    );
  });

  it("rejects an ID token issued by another provider (mix-up)", async () => {
    // The code and ID token come from `other`, a real provider with the same client, while the
    // callback claims to come from `op` and the token request is routed to `other`.
    const opDiscovery = await discover(configFor(op));
    const otherDiscovery = await discover(configFor(other));
    const mixUp: FetchFunction = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      return fetch(
        url === opDiscovery.token_endpoint ? otherDiscovery.token_endpoint! : input,
        init,
      );
    };
    const config = configFor(op, { fetch: mixUp });
    const request = await createLoginRequest(config);
    const atOther = new URL(request.url.href.replace(op.issuer, other.issuer));
    const callbackUrl = await other.browser().authorize(atOther);
    expect(callbackUrl.searchParams.get("iss")).toBe(other.issuer);
    callbackUrl.searchParams.set("iss", op.issuer);
    await expectOidcError(
      handleCallback(config, callbackUrl, request.transaction),
      "OIDC_ID_TOKEN_INVALID",
      "issuer_mismatch",
    );
  });

  it("turns a provider error response into OIDC_AUTHORIZATION_DENIED", async () => {
    const config = configFor(op);
    const request = await createLoginRequest(config);
    const callbackUrl = await op.browser().authorize(request.url, { abort: true });
    expect(callbackUrl.searchParams.get("error")).toBe("access_denied");
    await expectOidcError(
      handleCallback(config, callbackUrl, request.transaction),
      "OIDC_AUTHORIZATION_DENIED",
      "access_denied",
    );
  });

  it("rejects a POST callback and repeated parameters", async () => {
    const config = configFor(op);
    const { request, callbackUrl } = await login(config);
    await expectOidcError(
      handleCallback(config, new Request(callbackUrl, { method: "POST" }), request.transaction),
      "OIDC_CALLBACK_INVALID",
      "method_not_allowed",
    );
    const repeated = new URL(callbackUrl);
    repeated.searchParams.append("code", "another");
    await expectOidcError(
      handleCallback(config, repeated, request.transaction),
      "OIDC_CALLBACK_INVALID",
      "duplicate_parameter",
    );
  });
});

describe("client authentication", () => {
  async function fullFlow(config: OidcConfig) {
    const request = await createLoginRequest(config);
    const callbackUrl = await op.browser().authorize(request.url);
    const { session } = await handleCallback(config, callbackUrl, request.transaction);
    const refreshed = await refreshTokenSet(config, session.tokenSet);
    return { session, refreshed };
  }

  it("works with private_key_jwt", async () => {
    const { clientId, privateKey, kid } = op.privateKeyJwtClient;
    const config = configFor(op, {
      clientId,
      clientSecret: undefined,
      clientAssertionKey: { key: privateKey, kid },
    });
    expect(config.clientAuthMethod).toBe("private_key_jwt");
    const { session, refreshed } = await fullFlow(config);
    expect(session.user.sub).toBe("user-1");
    expect(refreshed.tokenSet.accessToken).not.toBe(session.tokenSet.accessToken);
  });

  it("works for a public client (none + PKCE)", async () => {
    const config = configFor(op, {
      clientId: op.publicClientId,
      clientSecret: undefined,
      clientAuthMethod: "none",
    });
    const { session, refreshed } = await fullFlow(config);
    expect(session.user.sub).toBe("user-1");
    expect(refreshed.tokenSet.refreshToken).not.toBe(session.tokenSet.refreshToken);
  });

  it("maps a wrong client secret to OIDC_CLIENT_REJECTED (a misconfiguration, not the user's fault)", async () => {
    const config = configFor(op, { clientSecret: "not-the-secret" });
    const request = await createLoginRequest(config);
    const callbackUrl = await op.browser().authorize(request.url);
    const error = await handleCallback(config, callbackUrl, request.transaction).catch(
      (caught: unknown) => caught,
    );
    expect(isOidcError(error, "OIDC_CLIENT_REJECTED")).toBe(true);
    expect(isOidcError(error) && error.message).not.toContain("not-the-secret");
  });

  it("maps a token endpoint that does not answer to OIDC_PROVIDER_UNAVAILABLE (timeout)", async () => {
    const config = configFor(op);
    const { session } = await fullFlow(config);
    const hangingTokenEndpoint: FetchFunction = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.endsWith("/token")) return fetch(input, init);
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    };
    const slow = configFor(op, { fetch: hangingTokenEndpoint, providerTimeout: 0.1 });
    const error = await refreshTokenSet(slow, session.tokenSet).catch((caught: unknown) => caught);
    expect(isOidcError(error, "OIDC_PROVIDER_UNAVAILABLE")).toBe(true);
    expect(isOidcError(error) && error.reason).toBe("timeout");
  });
});

describe("refresh", () => {
  async function session(config: OidcConfig) {
    const { request, callbackUrl } = await login(config);
    return (await handleCallback(config, callbackUrl, request.transaction)).session;
  }

  it("refreshes with rotation; the spent refresh token is then refused", async () => {
    const config = configFor(op);
    const { tokenSet, user } = await session(config);
    const now = Date.now();
    const refreshed = await refreshTokenSet(config, tokenSet, { expectedSubject: user.sub, now });
    expect(refreshed.tokenSet.accessToken).not.toBe(tokenSet.accessToken);
    expect(refreshed.tokenSet.refreshToken).toEqual(expect.any(String));
    expect(refreshed.tokenSet.refreshToken).not.toBe(tokenSet.refreshToken);
    expect(refreshed.tokenSet.expiresAt).toBe(now + 3_600_000);
    expect(refreshed.idTokenClaims?.sub).toBe(user.sub);
    await expectOidcError(
      refreshTokenSet(config, tokenSet),
      "OIDC_REFRESH_REJECTED",
      "invalid_grant",
    );
  });

  it("keeps the old refresh token when the provider sends none", async () => {
    const config = configFor(op, { scope: "openid" });
    const request = await createLoginRequest(config);
    const callbackUrl = await op.browser().authorize(request.url);
    const { session } = await handleCallback(config, callbackUrl, request.transaction);
    expect(session.tokenSet.refreshToken).toBeUndefined();
    await expectOidcError(
      refreshTokenSet(config, session.tokenSet),
      "OIDC_REFRESH_TOKEN_MISSING",
      "refresh_token_missing",
    );
  });

  it("shares one token request between parallel refreshes of one session", async () => {
    const counter = countingFetch();
    const config = configFor(op, { fetch: counter.fetch });
    const { tokenSet } = await session(config);
    const before = counter.tokenRequests();
    // The pairing the access-token path uses: refreshTokenSet inside a per-session single flight.
    const flight = createSingleFlight<RefreshResult>();
    const refresh = (sessionId: string, current: typeof tokenSet) =>
      flight.run(sessionId, () => refreshTokenSet(config, current));
    const [a, b, c] = await Promise.all([
      refresh("session-1", tokenSet),
      refresh("session-1", tokenSet),
      refresh("session-1", tokenSet),
    ]);
    expect(counter.tokenRequests() - before).toBe(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(flight.size).toBe(0);
    // Had the rotated token been spent twice, the provider would have revoked the grant and this
    // refresh would fail.
    const next = await refresh("session-1", a.tokenSet);
    expect(next.tokenSet.refreshToken).not.toBe(a.tokenSet.refreshToken);
    expect(counter.tokenRequests() - before).toBe(2);
  });

  it("without single-flight, parallel refreshes spend the rotating token twice", async () => {
    // The control for the test above: the provider really does punish reuse.
    const config = configFor(op);
    const { tokenSet } = await session(config);
    const results = await Promise.allSettled([
      refreshTokenSet(config, tokenSet),
      refreshTokenSet(config, tokenSet),
    ]);
    const rejected = results.filter((result) => result.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(
      isOidcError((rejected[0] as PromiseRejectedResult).reason, "OIDC_REFRESH_REJECTED"),
    ).toBe(true);
  });

  it("refreshes different sessions independently", async () => {
    const counter = countingFetch();
    const config = configFor(op, { fetch: counter.fetch });
    const [one, two] = await Promise.all([session(config), session(config)]);
    const before = counter.tokenRequests();
    const flight = createSingleFlight<RefreshResult>();
    const [a, b] = await Promise.all([
      flight.run("one", () => refreshTokenSet(config, one.tokenSet)),
      flight.run("two", () => refreshTokenSet(config, two.tokenSet)),
    ]);
    expect(counter.tokenRequests() - before).toBe(2);
    expect(a.tokenSet.accessToken).not.toBe(b.tokenSet.accessToken);
  });
});

describe("RP-initiated logout", () => {
  it("builds the end_session URL, which the provider accepts", async () => {
    const config = configFor(op);
    const browser = op.browser();
    const started = await createLoginRequest(config);
    const { session } = await handleCallback(
      config,
      await browser.authorize(started.url),
      started.transaction,
    );

    const { url, providerLogout } = await buildLogoutUrl(config, {
      idToken: session.tokenSet.idToken!,
      postLogoutRedirectUri: `${op.appBaseUrl}/bye`,
      state: "s1",
    });
    expect(providerLogout).toBe(true);
    expect(url.origin + url.pathname).toBe(`${op.issuer}/session/end`);
    expect(url.searchParams.get("id_token_hint")).toBe(session.tokenSet.idToken);
    expect(url.searchParams.get("client_id")).toBe(op.clientId);
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe(`${op.appBaseUrl}/bye`);
    const landed = await browser.endSession(url);
    expect(landed.href).toBe(`${op.appBaseUrl}/bye?state=s1`);
  });

  it("falls back to the post-logout URI when the provider has no end_session_endpoint", async () => {
    const withoutEndSession: FetchFunction = async (input, init) => {
      const response = await fetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (!url.includes("/.well-known/openid-configuration")) return response;
      const { end_session_endpoint: _dropped, ...metadata } = (await response.json()) as Record<
        string,
        unknown
      >;
      return Response.json(metadata);
    };
    const config = configFor(op, {
      fetch: withoutEndSession,
      postLogoutRedirectUri: "/signed-out",
    });
    const { url, providerLogout } = await buildLogoutUrl(config, { idToken: "x.y.z" });
    expect(providerLogout).toBe(false);
    expect(url.href).toBe(`${op.appBaseUrl}/signed-out`);
  });
});

describe("discovery", () => {
  it("caches per issuer with single-flight and a TTL", async () => {
    let requests = 0;
    const counting: FetchFunction = (input, init) => {
      requests += 1;
      return fetch(input, init);
    };
    const config = configFor(op, { fetch: counting, discoveryCacheTtl: 60 });
    const [a, b] = await Promise.all([discover(config), discover(config)]);
    expect(a).toBe(b);
    expect(a.issuer).toBe(op.issuer);
    await discover(config);
    expect(requests).toBe(1);
    await discover(config, { now: Date.now() + 61_000 });
    expect(requests).toBe(2);
  });

  it("fails with OIDC_DISCOVERY_FAILED when the provider does not answer in time", async () => {
    const hanging: FetchFunction = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const config = configFor(op, { fetch: hanging, providerTimeout: 0.05 });
    const error = await discover(config).catch((caught: unknown) => caught);
    expect(isOidcError(error, "OIDC_DISCOVERY_FAILED")).toBe(true);
    expect(isOidcError(error) && error.reason).toBe("timeout");
    expect(isOidcError(error) && error.status).toBe(502);
  });

  it("fails with OIDC_DISCOVERY_FAILED when the metadata names another issuer", async () => {
    const config = configFor(op, { issuer: `${op.issuer}/tenant` });
    const error = await discover(config).catch((caught: unknown) => caught);
    expect(isOidcError(error, "OIDC_DISCOVERY_FAILED")).toBe(true);
  });
});
