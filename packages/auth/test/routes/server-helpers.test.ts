import { NextRequest, NextResponse } from "next/server.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mergeAuthResponse } from "../../src/merge-auth-response.js";
import { SessionStoreError } from "../../src/store/session-store-error.js";
import { forgeLogoutToken, logoutClaims } from "../oidc/logout-tokens.js";
import { startTestProvider, type TestProvider } from "../oidc/provider.js";
import { appBrowser, authFor, login, logoutTokenRequest, watchedStore } from "./app.js";

let op: TestProvider;

beforeAll(async () => {
  op = await startTestProvider({ accessTokenTtl: 60 });
});

afterAll(async () => {
  await op?.close();
});

/** next/headers as a Route Handler (cookies can be set) or a Server Component (set throws). */
function mockNextHeaders(cookie: string, canSet: boolean) {
  const written: Array<{ name: string; value: string }> = [];
  vi.doMock("next/headers.js", () => ({
    cookies: async () => ({
      getAll: () => [{ name: "__session", value: cookie }],
      set: (c: { name: string; value: string }) => {
        if (!canSet)
          throw new Error("Cookies can only be modified in a Server Action or Route Handler");
        written.push(c);
      },
    }),
    headers: async () => new Headers({ host: "localhost:3000" }),
  }));
  return written;
}

describe("auth.getAccessToken() through next/headers", () => {
  it("in a Route Handler: refreshes and writes the re-sealed cookie (stateless)", async () => {
    const auth = authFor(op, { refreshBuffer: 120 });
    const app = appBrowser(auth, op.appBaseUrl);
    await login(app, op, { accountId: "erin" });
    const before = (await auth.getSession(
      new Request(op.appBaseUrl, {
        headers: { cookie: `__session=${app.cookies.get("__session")}` },
      }),
    ))!;
    const written = mockNextHeaders(app.cookies.get("__session")!, true);
    try {
      const token = await auth.getAccessToken();
      expect(token?.token).toEqual(expect.any(String));
      expect(token?.token).not.toBe(before.tokenSet.accessToken);
      const cookie = written.find((c) => c.name === "__session");
      expect(cookie).toBeDefined();
      const after = await auth.getSession(
        new Request(op.appBaseUrl, { headers: { cookie: `__session=${cookie!.value}` } }),
      );
      expect(after?.tokenSet.accessToken).toBe(token!.token);
      expect(after?.tokenSet.refreshToken).not.toBe(before.tokenSet.refreshToken);
    } finally {
      vi.doUnmock("next/headers.js");
    }
  });

  it("in a Server Component (no cookie writes): still answers, and a store keeps the refresh", async () => {
    const store = watchedStore();
    const auth = authFor(op, { sessionStore: store, refreshBuffer: 120 });
    const app = appBrowser(auth, op.appBaseUrl);
    await login(app, op, { accountId: "frank" });
    mockNextHeaders(app.cookies.get("__session")!, false);
    try {
      const token = await auth.getAccessToken();
      expect(token?.token).toEqual(expect.any(String));
      expect(Object.values(await store.snapshot())[0]!.tokenSet.accessToken).toBe(token!.token);
    } finally {
      vi.doUnmock("next/headers.js");
    }
  });

  it("answers null when signed out", async () => {
    const auth = authFor(op);
    vi.doMock("next/headers.js", () => ({
      cookies: async () => ({ getAll: () => [], set() {} }),
      headers: async () => new Headers(),
    }));
    try {
      expect(await auth.getAccessToken()).toBeNull();
    } finally {
      vi.doUnmock("next/headers.js");
    }
  });
});

describe("mergeAuthResponse", () => {
  it("puts the rolled session's cookies on the app's response, and lets an auth route's answer win", async () => {
    const auth = authFor(op, { updateAge: 0 });
    const app = appBrowser(auth, op.appBaseUrl);
    await login(app, op);
    const cookie = `__session=${app.cookies.get("__session")}`;

    // Another middleware (an i18n redirect, say) answers the page request.
    const page = new NextRequest(`${op.appBaseUrl}/dashboard`, { headers: { cookie } });
    const authResponse = await auth.middleware(page);
    const i18n = NextResponse.redirect(`${op.appBaseUrl}/en/dashboard`);
    const merged = mergeAuthResponse(authResponse, i18n);
    expect(merged).toBe(i18n);
    expect(merged.headers.get("location")).toBe(`${op.appBaseUrl}/en/dashboard`);
    expect(merged.headers.getSetCookie().some((c) => c.startsWith("__session="))).toBe(true);
    expect(merged.headers.get("cache-control")).toBe("private, no-store");

    // An auth route answered: that answer is the response.
    const route = await auth.middleware(
      new NextRequest(`${op.appBaseUrl}/auth/profile`, { headers: { cookie } }),
    );
    expect(mergeAuthResponse(route, NextResponse.next())).toBe(route);
  });
});

describe("callback hooks and session fixation", () => {
  it("beforeSessionSaved edits what is stored; throwing refuses the login with 403", async () => {
    const store = watchedStore();
    let refuse = false;
    const auth = authFor(op, {
      sessionStore: store,
      beforeSessionSaved: (session, idToken) => {
        if (refuse) throw new Error("not on the allow-list");
        expect(idToken?.split(".")).toHaveLength(3);
        return { ...session, user: { sub: session.user.sub }, plan: "pro" };
      },
    });
    const app = appBrowser(auth, op.appBaseUrl);
    await login(app, op, { accountId: "gina" });
    const [session] = Object.values(await store.snapshot());
    expect(session!.user).toEqual({ sub: "gina" });
    expect(session!.plan).toBe("pro");

    refuse = true;
    const other = appBrowser(auth, op.appBaseUrl);
    const { callback } = await login(other, op, { accountId: "hugo" });
    expect(callback.status).toBe(403);
    expect(await callback.text()).toContain("session_rejected");
    expect(Object.keys(await store.snapshot())).toHaveLength(1);
    expect(other.cookies.has("__session")).toBe(false);
  });

  it("onCallback builds the response; the session cookies are added on success", async () => {
    const seen: Array<string | null> = [];
    const auth = authFor(op, {
      onCallback: (error, context, session) => {
        seen.push(error?.code ?? null);
        return error
          ? Response.redirect(`${op.appBaseUrl}/login-failed`, 303)
          : Response.json({ welcome: session?.user.sub, returnTo: context.returnTo });
      },
    });
    const app = appBrowser(auth, op.appBaseUrl);
    const { callback } = await login(app, op, { accountId: "ivy", returnTo: "/x" });
    expect(callback.status).toBe(200);
    expect(await callback.json()).toEqual({ welcome: "ivy", returnTo: `${op.appBaseUrl}/x` });
    expect(app.cookies.has("__session")).toBe(true);

    const failed = await app.get("/auth/callback?state=nope&code=x");
    expect(failed.status).toBe(303);
    expect(failed.headers.get("location")).toBe(`${op.appBaseUrl}/login-failed`);
    expect(seen).toEqual([null, "OIDC_CALLBACK_INVALID"]);
  });

  it("a login replaces a session planted before it: fresh id, the old record deleted", async () => {
    const store = watchedStore();
    const auth = authFor(op, { sessionStore: store });
    const attacker = appBrowser(auth, op.appBaseUrl);
    await login(attacker, op, { accountId: "mallory" });
    const planted = attacker.cookies.get("__session")!;
    const [plantedId] = Object.keys(await store.snapshot());

    const victim = appBrowser(auth, op.appBaseUrl);
    victim.cookies.set("__session", planted);
    await login(victim, op, { accountId: "victim" });
    expect(victim.cookies.get("__session")).not.toBe(planted);
    const stored = await store.snapshot();
    expect(Object.keys(stored)).not.toContain(plantedId);
    expect(Object.values(stored).map((s) => s.user.sub)).toEqual(["victim"]);
  });
});

describe("a store outage", () => {
  // memoryStore cannot fail by itself: this wrapper fails on demand, like a backend going away.
  it("is a 503 from profile, callback and back-channel logout, never a 500", async () => {
    const inner = watchedStore();
    let down = false;
    const fail = () => {
      throw new SessionStoreError("STORE_UNAVAILABLE", "connection refused");
    };
    const store = {
      ...inner,
      get: (id: string) => (down ? fail() : inner.get(id)),
      set: (...args: Parameters<typeof inner.set>) => (down ? fail() : inner.set(...args)),
      deleteByLogoutToken: (claims: Parameters<typeof inner.deleteByLogoutToken>[0]) =>
        down ? fail() : inner.deleteByLogoutToken(claims),
    };
    const auth = authFor(op, { sessionStore: store });
    const app = appBrowser(auth, op.appBaseUrl);
    await login(app, op, { accountId: "jack" });

    down = true;
    const profile = await app.get("/auth/profile");
    expect(profile.status).toBe(503);
    expect(app.cookies.has("__session")).toBe(true); // the cookie may be fine: kept

    const other = appBrowser(auth, op.appBaseUrl);
    const { callback } = await login(other, op, { accountId: "kate" });
    expect(callback.status).toBe(503);
    expect(await callback.text()).toContain("store_unavailable");

    const [session] = Object.values(await inner.snapshot());
    const token = await forgeLogoutToken(
      op,
      logoutClaims(op, { sid: session!.internal.sid, sub: "jack" }),
    );
    const logout = await auth.middleware(logoutTokenRequest(op, token));
    expect(logout.status).toBe(503);
    expect(await logout.json()).toMatchObject({ error: "temporarily_unavailable" });
    down = false;
    expect(Object.keys(await inner.snapshot())).toHaveLength(1);
  });
});
