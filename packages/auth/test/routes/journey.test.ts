import { NextRequest } from "next/server.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestProvider, type TestProvider } from "../oidc/provider.js";
import { appBrowser, authFor, backchannelRequest, login, watchedStore } from "./app.js";

let op: TestProvider;

beforeAll(async () => {
  // Access tokens live 60 s and the app refreshes 120 s ahead: every access-token call refreshes.
  op = await startTestProvider({ accessTokenTtl: 60 });
});

afterAll(async () => {
  await op?.close();
});

describe("the whole journey through auth.middleware", () => {
  it("login → callback → profile → refresh (rotating) → logout → provider back-channel logout", async () => {
    const store = watchedStore();
    const auth = authFor(op, { sessionStore: store, refreshBuffer: 120 });
    const app = appBrowser(auth, op.appBaseUrl);

    // Anonymous: the profile route answers 401, which useUser reads as signed out.
    const anonymous = await app.get("/auth/profile");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("cache-control")).toBe("no-store");

    // Login: a sealed transaction cookie, then the provider's login and consent.
    const start = await app.get("/auth/login?returnTo=/dashboard%3Ftab%3D1");
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.origin).toBe(op.issuer);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(app.named("__txn_")).toHaveLength(1);
    const browser = op.browser();
    const callbackUrl = await browser.authorize(authorize, { accountId: "alice" });

    const callback = await app.get(callbackUrl);
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe(`${op.appBaseUrl}/dashboard?tab=1`);
    expect(callback.headers.get("cache-control")).toBe("private, no-store");
    expect(app.named("__txn_")).toHaveLength(0);
    expect(app.cookies.has("__session")).toBe(true);
    const stored = Object.values(await store.snapshot());
    expect(stored).toHaveLength(1);
    const session = stored[0]!;
    expect(session.user.sub).toBe("alice");
    expect(session.internal.iss).toBe(op.issuer);
    expect(session.internal.sid).toEqual(expect.any(String));
    expect(session.internal.expiresAt - session.internal.createdAt).toBe(86_400_000);
    // The cookie holds a sealed id, not the tokens.
    expect(app.cookies.get("__session")).not.toContain(session.tokenSet.refreshToken!);

    // Profile: the user, never cached.
    const profile = await app.get("/auth/profile");
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({ sub: "alice", email: "alice@example.test" });
    expect(profile.headers.get("cache-control")).toMatch(/no-store/);

    // Access token: refreshed (inside the buffer), the rotated refresh token saved in the store.
    const before = op.events.get("grant.success") ?? 0;
    const first = await app.get("/auth/access-token");
    expect(first.status).toBe(200);
    const token = (await first.json()) as { token: string; expiresAt: number };
    expect(token.token).not.toBe(session.tokenSet.accessToken);
    expect(token.expiresAt).toBeGreaterThan(Date.now());
    const afterRefresh = Object.values(await store.snapshot())[0]!;
    expect(afterRefresh.tokenSet.accessToken).toBe(token.token);
    expect(afterRefresh.tokenSet.refreshToken).not.toBe(session.tokenSet.refreshToken);
    expect(op.events.get("grant.success")).toBe(before + 1);

    // Five parallel calls: one refresh request, one rotated token, all answer the same token.
    const parallel = await Promise.all(
      Array.from({ length: 5 }, () => app.get("/auth/access-token")),
    );
    expect(parallel.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const tokens = new Set(
      await Promise.all(parallel.map(async (r) => ((await r.json()) as { token: string }).token)),
    );
    expect(tokens.size).toBe(1);
    expect(op.events.get("grant.success")).toBe(before + 2);
    expect(op.events.get("grant.error") ?? 0).toBe(0);
    // And the token chain still works: the next refresh succeeds with the saved refresh token.
    expect((await app.get("/auth/access-token")).status).toBe(200);
    expect(op.events.get("grant.error") ?? 0).toBe(0);

    // A second app session of the same provider session (another tab's cookie jar).
    const other = appBrowser(auth, op.appBaseUrl);
    const second = await login(other, op, { accountId: "alice", browser });
    expect(second.callback.status).toBe(302);
    expect(Object.keys(await store.snapshot())).toHaveLength(2);

    // Logout: the local session ends, then RP-initiated logout at the provider.
    const logout = await app.get("/auth/logout?returnTo=/bye");
    expect(logout.status).toBe(302);
    const endSession = new URL(logout.headers.get("location")!);
    expect(endSession.origin).toBe(op.issuer);
    expect(endSession.searchParams.get("id_token_hint")).toEqual(expect.any(String));
    expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(`${op.appBaseUrl}/bye`);
    expect(app.cookies.has("__session")).toBe(false);
    expect(Object.keys(await store.snapshot())).toHaveLength(1);
    expect((await app.get("/auth/profile")).status).toBe(401);

    // The provider ends its session and POSTs a logout token; the app's other session ends.
    const sent = op.backchannelRequests.length;
    const back = await browser.endSession(endSession);
    expect(back.href).toBe(`${op.appBaseUrl}/bye`);
    expect(op.backchannelRequests.length).toBe(sent + 1);
    const captured = op.backchannelRequests.at(-1)!;
    expect((await other.get("/auth/profile")).status).toBe(200);
    const delivered = await auth.middleware(backchannelRequest(op, captured));
    expect(delivered.status).toBe(200);
    expect(delivered.headers.get("cache-control")).toBe("no-store");
    expect(await store.snapshot()).toEqual({});
    expect((await other.get("/auth/profile")).status).toBe(401);

    // The same token again is a replay: 400, nothing else happens.
    const replay = await auth.middleware(backchannelRequest(op, captured));
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error_description: "jti_replayed" });
  });

  it("works with stateless cookie sessions; back-channel logout then answers 501", async () => {
    const auth = authFor(op, { refreshBuffer: 120 });
    const app = appBrowser(auth, op.appBaseUrl);
    const { callback } = await login(app, op, { accountId: "carol" });
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe(`${op.appBaseUrl}/`);
    const profile = await app.get("/auth/profile");
    expect(await profile.json()).toMatchObject({ sub: "carol" });

    // A refresh re-seals the cookie with the new tokens; the next one spends the new refresh token.
    const cookieBefore = app.cookies.get("__session");
    const first = await app.get("/auth/access-token");
    expect(first.status).toBe(200);
    expect(app.cookies.get("__session")).not.toBe(cookieBefore);
    const errors = op.events.get("grant.error") ?? 0;
    const second = await app.get("/auth/access-token");
    expect(second.status).toBe(200);
    expect(op.events.get("grant.error") ?? 0).toBe(errors);
    const session = await auth.getSession(
      new Request(op.appBaseUrl, {
        headers: { cookie: `__session=${app.cookies.get("__session")}` },
      }),
    );
    expect(session?.tokenSet.accessToken).toBe(((await second.json()) as { token: string }).token);

    const backchannel = await app.get("/auth/backchannel-logout", { method: "POST" });
    expect(backchannel.status).toBe(501);
    expect(await backchannel.json()).toMatchObject({ error: "not_implemented" });
  });

  it("getAccessToken(request, response) refreshes and writes the new session", async () => {
    const store = watchedStore();
    const auth = authFor(op, { sessionStore: store, refreshBuffer: 120 });
    const app = appBrowser(auth, op.appBaseUrl);
    await login(app, op, { accountId: "dave" });
    const cookie = `__session=${app.cookies.get("__session")}`;
    const request = new Request(`${op.appBaseUrl}/api`, { headers: { cookie } });
    const response = new Response(null);
    const token = await auth.getAccessToken(request, response);
    expect(token?.token).toEqual(expect.any(String));
    expect(Object.values(await store.snapshot())[0]!.tokenSet.accessToken).toBe(token!.token);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("__session="))).toBe(true);
    expect(await auth.getAccessToken(new Request(op.appBaseUrl))).toBeNull();
  });

  it("keeps at most maxTransactions login cookies, however many logins are abandoned", async () => {
    const auth = authFor(op, { maxTransactions: 3 });
    const app = appBrowser(auth, op.appBaseUrl);
    const states: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const response = await app.get("/auth/login");
      expect(response.status).toBe(302);
      states.push(new URL(response.headers.get("location")!).searchParams.get("state")!);
      expect(app.named("__txn_").length).toBeLessThanOrEqual(3);
      // Distinct creation times, so "oldest" is well defined.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(app.named("__txn_").sort()).toEqual(
      states
        .slice(-3)
        .map((s) => `__txn_${s}`)
        .sort(),
    );
    // The newest of them still completes.
    const { callback } = await login(app, op);
    expect(callback.status).toBe(302);
    expect(app.named("__txn_").length).toBeLessThanOrEqual(3);
  });

  it("serves the routes on configured paths, and can turn the access-token route off", async () => {
    const auth = authFor(op, {
      routes: { profile: "/api/me" },
      enableAccessTokenEndpoint: false,
    });
    expect((await auth.middleware(new NextRequest(`${op.appBaseUrl}/api/me`))).status).toBe(401);
    expect((await auth.middleware(new NextRequest(`${op.appBaseUrl}/auth/profile`))).status).toBe(
      200,
    );
    const passed = await auth.middleware(new NextRequest(`${op.appBaseUrl}/auth/access-token`));
    expect(passed.headers.get("x-middleware-next")).toBe("1");
  });
});
