import { generateKeyPair } from "jose";
import { NextRequest } from "next/server.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import type { FetchFunction } from "../../src/oidc/config.js";
import { resolveOidcConfig } from "../../src/oidc/config.js";
import { discover } from "../../src/oidc/discovery.js";
import { forgeLogoutToken, logoutClaims, unsignedLogoutToken } from "../oidc/logout-tokens.js";
import { startTestProvider, type TestProvider } from "../oidc/provider.js";
import {
  type AppBrowser,
  appBrowser,
  authFor,
  login,
  logoutTokenRequest,
  openTransaction,
  sealTransaction,
  type WatchedStore,
  watchedStore,
} from "./app.js";

let op: TestProvider;
let other: TestProvider;

beforeAll(async () => {
  [op, other] = await Promise.all([startTestProvider(), startTestProvider()]);
});

afterAll(async () => {
  await Promise.all([op?.close(), other?.close()]);
});

let store: WatchedStore;
let auth: Auth;
let victim: AppBrowser;
let attacker: AppBrowser;

/** A signed-in victim, so every attack below has something it could wrongly change. */
beforeEach(async () => {
  store = watchedStore();
  auth = authFor(op, { sessionStore: store });
  victim = appBrowser(auth, op.appBaseUrl);
  await login(victim, op, { accountId: "victim" });
  attacker = appBrowser(auth, op.appBaseUrl);
});

/** Runs `attack`, then checks it answered 4xx and left every stored session exactly as it was. */
async function unchanged(attack: () => Promise<Response>, status?: number): Promise<Response> {
  const before = await store.snapshot();
  expect(Object.keys(before).length).toBeGreaterThan(0);
  const response = await attack();
  if (status !== undefined) expect(response.status).toBe(status);
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(await store.snapshot()).toEqual(before);
  return response;
}

/** A login by the attacker up to the provider's answer, without calling the app's callback. */
async function startedLogin(app: AppBrowser) {
  const start = await app.get("/auth/login");
  const callbackUrl = await op.browser().authorize(new URL(start.headers.get("location")!), {
    accountId: "mallory",
  });
  const txnName = app.named("__txn_")[0]!;
  return { callbackUrl, txnName, txnValue: app.cookies.get(txnName)! };
}

describe("callback attacks, through auth.middleware", () => {
  it("a callback without state, with a wrong state, or without its transaction cookie: 400", async () => {
    const { callbackUrl, txnName } = await startedLogin(attacker);
    const noState = new URL(callbackUrl);
    noState.searchParams.delete("state");
    let response = await unchanged(() => attacker.get(noState), 400);
    expect(await response.text()).toContain("state_missing");

    const wrongState = new URL(callbackUrl);
    wrongState.searchParams.set("state", `${callbackUrl.searchParams.get("state")}x`);
    response = await unchanged(() => attacker.get(wrongState), 400);
    expect(await response.text()).toContain("transaction_missing");

    // Login CSRF: the attacker's callback URL in the victim's browser (no transaction cookie).
    response = await unchanged(() => victim.get(callbackUrl), 400);
    expect(await response.text()).toContain("transaction_missing");
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(attacker.cookies.has(txnName)).toBe(true);
  });

  it("a transaction cookie of another login: 400, and the cookie is deleted", async () => {
    const first = await startedLogin(attacker);
    const second = await startedLogin(appBrowser(auth, op.appBaseUrl));
    // The first login's cookie under the second login's name: its state does not match.
    attacker.cookies.set(second.txnName, first.txnValue);
    const response = await unchanged(() => attacker.get(second.callbackUrl), 400);
    expect(await response.text()).toContain("state_mismatch");
    expect(attacker.cookies.has(second.txnName)).toBe(false);
  });

  it("a replayed code: 400, and the replay changes nothing", async () => {
    const { callbackUrl, txnName, txnValue } = await startedLogin(attacker);
    const first = await attacker.get(callbackUrl);
    expect(first.status).toBe(302);
    attacker.cookies.set(txnName, txnValue); // the deleted transaction cookie, kept by the attacker
    const response = await unchanged(() => attacker.get(callbackUrl), 400);
    expect(await response.text()).toContain("invalid_grant");
  });

  it("an ID token whose nonce is not the transaction's: 400", async () => {
    const { callbackUrl, txnName, txnValue } = await startedLogin(attacker);
    const transaction = (await openTransaction(txnValue))!;
    attacker.cookies.set(
      txnName,
      await sealTransaction({ ...transaction, nonce: "another-nonce" }),
    );
    const response = await unchanged(() => attacker.get(callbackUrl), 400);
    expect(await response.text()).toContain("nonce_mismatch");
  });

  it("an ID token from another issuer (mix-up): 400", async () => {
    const opDiscovery = await discover(
      resolveOidcConfig(
        { issuer: op.issuer, clientId: op.clientId, clientSecret: "x", appBaseUrl: op.appBaseUrl },
        {},
      ),
    );
    const otherConfig = resolveOidcConfig(
      { issuer: other.issuer, clientId: op.clientId, clientSecret: "x", appBaseUrl: op.appBaseUrl },
      {},
    );
    const otherDiscovery = await discover(otherConfig);
    // The token request is routed to `other`, a real provider with the same client.
    const mixUp: FetchFunction = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      return fetch(
        url === opDiscovery.token_endpoint ? otherDiscovery.token_endpoint! : input,
        init,
      );
    };
    const mixed = authFor(op, { sessionStore: store, fetch: mixUp });
    const app = appBrowser(mixed, op.appBaseUrl);
    const start = await app.get("/auth/login");
    const atOther = new URL(start.headers.get("location")!.replace(op.issuer, other.issuer));
    const callbackUrl = await other.browser().authorize(atOther);
    callbackUrl.searchParams.set("iss", op.issuer);
    const response = await unchanged(() => app.get(callbackUrl), 400);
    expect(await response.text()).toContain("issuer_mismatch");

    // And a callback that says it comes from another issuer.
    const { callbackUrl: honest } = await startedLogin(attacker);
    honest.searchParams.set("iss", other.issuer);
    const named = await unchanged(() => attacker.get(honest), 400);
    expect(await named.text()).toContain("issuer_mismatch");
  });

  it("a provider error (the user refused): 400 page, no session", async () => {
    const start = await attacker.get("/auth/login");
    const callbackUrl = await op
      .browser()
      .authorize(new URL(start.headers.get("location")!), { abort: true });
    const response = await unchanged(() => attacker.get(callbackUrl), 400);
    expect(await response.text()).toContain("access_denied");
    expect(attacker.named("__txn_")).toHaveLength(0);
  });
});

// Open-redirect payloads for `returnTo`: none may leave the app's origin.
const OPEN_REDIRECTS = [
  "//evil.com",
  "///evil.com",
  "////evil.com/path",
  "/\\evil.com",
  "\\\\evil.com",
  "/\\/evil.com",
  "https:evil.com",
  "https:/evil.com",
  "https://evil.com",
  "http://evil.com/",
  "//evil.com@localhost:3000",
  "http://localhost:3000@evil.com",
  "https://localhost:3000/",
  "/%2F%2Fevil.com",
  "/%2f%2fevil.com",
  "/%5Cevil.com",
  "/%252F%252Fevil.com",
  "/\t/evil.com",
  "/\n/evil.com",
  "/\r\n/evil.com",
  " //evil.com",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(document.cookie)",
  "data:text/html,<script>alert(1)</script>",
  "/.//evil.com",
  "／／evil.com",
  "//evil%E3%80%82com",
  "http://localhost:3000.evil.com/",
];

describe("returnTo open redirects", () => {
  it(`refuses ${OPEN_REDIRECTS.length} payloads at /auth/login: the transaction keeps the app's root`, async () => {
    expect(OPEN_REDIRECTS.length).toBeGreaterThanOrEqual(20);
    for (const payload of OPEN_REDIRECTS) {
      const app = appBrowser(auth, op.appBaseUrl);
      const start = await app.get(`/auth/login?returnTo=${encodeURIComponent(payload)}`);
      expect(start.status, payload).toBe(302);
      expect(new URL(start.headers.get("location")!).origin).toBe(op.issuer);
      const txn = await openTransaction(app.cookies.get(app.named("__txn_")[0]!)!);
      expect(txn?.returnTo, payload).toBe(`${op.appBaseUrl}/`);
    }
    // The control: a same-origin path is kept.
    const app = appBrowser(auth, op.appBaseUrl);
    await app.get("/auth/login?returnTo=/account%3Ftab%3Dkeys");
    const txn = await openTransaction(app.cookies.get(app.named("__txn_")[0]!)!);
    expect(txn?.returnTo).toBe(`${op.appBaseUrl}/account?tab=keys`);
  });

  it("a completed login with a hostile returnTo lands on the app", async () => {
    const app = appBrowser(auth, op.appBaseUrl);
    const { callback } = await login(app, op, { returnTo: "//evil.com" });
    expect(callback.headers.get("location")).toBe(`${op.appBaseUrl}/`);
  });

  it(`refuses the same payloads at /auth/logout: post_logout_redirect_uri stays the configured one`, async () => {
    for (const payload of OPEN_REDIRECTS) {
      const app = appBrowser(auth, op.appBaseUrl);
      const response = await app.get(`/auth/logout?returnTo=${encodeURIComponent(payload)}`);
      expect(response.status, payload).toBe(302);
      const target = new URL(response.headers.get("location")!);
      expect(target.origin).toBe(op.issuer);
      expect(target.searchParams.get("post_logout_redirect_uri"), payload).toBe(
        `${op.appBaseUrl}/`,
      );
    }
  });
});

describe("back-channel logout attacks, through auth.middleware", () => {
  /** The victim's session as the provider knows it: iss, sid, sub. */
  async function victimClaims() {
    const [session] = Object.values(await store.snapshot());
    return { sid: session!.internal.sid!, sub: session!.user.sub };
  }

  async function rejected(token: string, reason: string, status = 400) {
    const response = await unchanged(() => auth.middleware(logoutTokenRequest(op, token)), status);
    expect(await response.json()).toEqual({ error: "invalid_request", error_description: reason });
    expect(response.headers.get("cache-control")).toBe("no-store");
  }

  it("the control: a valid token naming the victim's session ends it", async () => {
    const token = await forgeLogoutToken(op, logoutClaims(op, await victimClaims()));
    const response = await auth.middleware(logoutTokenRequest(op, token));
    expect(response.status).toBe(200);
    expect(await store.snapshot()).toEqual({});
    expect((await victim.get("/auth/profile")).status).toBe(401);
  });

  it("alg none", async () => {
    await rejected(unsignedLogoutToken(logoutClaims(op, await victimClaims())), "alg_not_allowed");
  });

  it("a foreign key", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const claims = logoutClaims(op, await victimClaims());
    await rejected(
      await forgeLogoutToken(op, claims, { kid: "attacker" }, privateKey),
      "key_not_found",
    );
    await rejected(await forgeLogoutToken(op, claims, {}, privateKey), "signature_invalid");
  });

  const bad: [string, (v: { sid: string; sub: string }) => Record<string, unknown>, string][] = [
    ["a wrong issuer", () => ({ iss: other.issuer }), "issuer_mismatch"],
    ["a wrong audience", () => ({ aud: "another-client" }), "audience_mismatch"],
    ["an expired token", () => ({ exp: Math.floor(Date.now() / 1000) - 3600 }), "expired"],
    ["missing events", () => ({ events: undefined }), "events_invalid"],
    ["a nonce", () => ({ nonce: "abc" }), "nonce_present"],
    ["neither sid nor sub", () => ({ sid: undefined, sub: undefined }), "sid_and_sub_missing"],
  ];
  for (const [name, overrides, reason] of bad) {
    it(name, async () => {
      const claims = await victimClaims();
      await rejected(
        await forgeLogoutToken(op, logoutClaims(op, { ...claims, ...overrides(claims) })),
        reason,
      );
    });
  }

  it("a replayed jti: the first ends the session, the replay is refused", async () => {
    const token = await forgeLogoutToken(op, logoutClaims(op, await victimClaims()));
    expect((await auth.middleware(logoutTokenRequest(op, token))).status).toBe(200);
    // The victim signs in again; the old token must not end the new session (sub-only match).
    const subOnly = await forgeLogoutToken(
      op,
      logoutClaims(op, { sid: undefined, sub: "victim", jti: "one-time" }),
    );
    await login(victim, op, { accountId: "victim" });
    expect((await auth.middleware(logoutTokenRequest(op, subOnly))).status).toBe(200);
    await login(victim, op, { accountId: "victim" });
    await rejected(subOnly, "jti_replayed");
  });

  it("a 1 MB body", async () => {
    const response = await unchanged(() =>
      auth.middleware(
        new NextRequest(`${op.appBaseUrl}/auth/backchannel-logout`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: `logout_token=${"a".repeat(1024 * 1024)}`,
        }),
      ),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_description: "body_too_large" });
  });

  it("a GET (even with a valid token in the query): 405", async () => {
    const token = await forgeLogoutToken(op, logoutClaims(op, await victimClaims()));
    const response = await unchanged(
      () => victim.get(`/auth/backchannel-logout?logout_token=${token}`),
      405,
    );
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("a body that is not form-encoded, or has no token", async () => {
    const token = await forgeLogoutToken(op, logoutClaims(op, await victimClaims()));
    await unchanged(
      () =>
        auth.middleware(
          new NextRequest(`${op.appBaseUrl}/auth/backchannel-logout`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ logout_token: token }),
          }),
        ),
      400,
    );
    await rejected("", "logout_token_missing");
  });

  it("uses the store's claimLogoutToken when it has one (shared by every instance)", async () => {
    const claimed = new Map<string, number>();
    const sharing = Object.assign(store, {
      async claimLogoutToken(jti: string, expiresAt: number) {
        if (claimed.has(jti)) return false;
        claimed.set(jti, expiresAt);
        return true;
      },
      async releaseLogoutToken(jti: string) {
        claimed.delete(jti);
      },
    });
    const instanceA = authFor(op, { sessionStore: sharing });
    const instanceB = authFor(op, { sessionStore: sharing });
    const token = await forgeLogoutToken(op, logoutClaims(op, await victimClaims()));
    expect((await instanceA.middleware(logoutTokenRequest(op, token))).status).toBe(200);
    expect([...claimed.values()][0]).toBeGreaterThan(Date.now());
    await login(victim, op, { accountId: "victim" });
    auth = instanceB;
    await rejected(token, "jti_replayed");
  });
});

describe("login parameters", () => {
  it("forwards only allow-listed query parameters; the flow's own cannot be overridden", async () => {
    const response = await attacker.get(
      "/auth/login?login_hint=a%40example.test&ui_locales=fr&redirect_uri=https%3A%2F%2Fevil.com&scope=openid+admin&state=fixed&prompt=none&client_id=other",
    );
    expect(response.status).toBe(302);
    const url = new URL(response.headers.get("location")!);
    expect(url.searchParams.get("login_hint")).toBe("a@example.test");
    expect(url.searchParams.get("ui_locales")).toBe("fr");
    expect(url.searchParams.get("redirect_uri")).toBe(`${op.appBaseUrl}/auth/callback`);
    expect(url.searchParams.get("scope")).toBe("openid profile email offline_access");
    expect(url.searchParams.get("state")).not.toBe("fixed");
    expect(url.searchParams.get("prompt")).toBe("consent"); // the static parameter
    expect(url.searchParams.get("client_id")).toBe(op.clientId);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("nonce")).toEqual(expect.any(String));
  });
});

describe("the routes never answer 500", () => {
  it("odd methods, odd paths, a broken provider", async () => {
    expect((await attacker.get("/auth/login", { method: "DELETE" })).status).toBe(405);
    expect((await attacker.get("/auth/access-token")).status).toBe(401);
    expect((await attacker.get("/auth/callback")).status).toBe(400);
    expect((await attacker.get("/auth/callback?state=a%3Bb%0D%0Ax")).status).toBe(400);
    const down = authFor(op, {
      sessionStore: store,
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    const app = appBrowser(down, op.appBaseUrl);
    expect((await app.get("/auth/login")).status).toBe(502);
    // Logout still ends the local session without the provider.
    const response = await victim.get("/auth/logout");
    expect(response.status).toBe(302);
  });

  it("a session-only createAuth answers the auth paths with 501 and an explanation", async () => {
    const { createAuth } = await import("../../src/create-auth.js");
    const bare = createAuth({ secret: "a-secret-that-is-long-enough-0123456789", env: {} });
    const response = await bare.middleware(new NextRequest(`${op.appBaseUrl}/auth/login`));
    expect(response.status).toBe(501);
    expect(await response.json()).toMatchObject({ error: "oidc_not_configured" });
    await expect(bare.getAccessToken(new Request(op.appBaseUrl))).rejects.toMatchObject({
      code: "AUTH_OIDC_NOT_CONFIGURED",
    });
  });
});
