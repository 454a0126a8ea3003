import { generateSessionCookie as auth0SessionCookie } from "@auth0/nextjs-auth0/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuth } from "../src/create-auth.js";
import { memoryStore } from "../src/store/memory-store.js";
import { deletes, OTHER_SECRET, requestWith, SECRET, setCookies } from "./helpers.js";

// A session the way @auth0/nextjs-auth0 v4 writes it: times in epoch seconds.
const nowS = Math.floor(Date.now() / 1000);
const theirSession = () => ({
  user: { sub: "auth0|abc123", name: "Ada", email: "ada@example.com", email_verified: true },
  tokenSet: {
    accessToken: "eyJ.access.token",
    idToken: "eyJ.id.token",
    refreshToken: "refresh-1",
    scope: "openid profile email offline_access",
    expiresAt: nowS + 3600,
    token_type: "Bearer",
  },
  internal: { sid: "auth0-sid-42", createdAt: nowS - 60 },
  appField: { plan: "pro" },
});
const ISSUER = "https://tenant.example.auth0.com/";
// A full OIDC configuration: with an issuer set, createAuth requires the client too.
const OIDC = {
  issuer: ISSUER,
  clientId: "client",
  clientSecret: "client-secret",
  appBaseUrl: "https://app.example.com",
  env: {},
};

afterEach(() => {
  vi.useRealTimers();
});

describe("cookies written by @auth0/nextjs-auth0 v4", () => {
  it("open as sessions with the same secret, shapes normalised", async () => {
    const cookie = await auth0SessionCookie(theirSession(), { secret: SECRET });
    const auth = createAuth({ secret: SECRET, ...OIDC });
    const session = await auth.getSession(requestWith({ __session: cookie }));
    expect(session).not.toBeNull();
    expect(session!.user).toEqual(theirSession().user);
    expect(session!.tokenSet).toEqual({
      accessToken: "eyJ.access.token",
      idToken: "eyJ.id.token",
      refreshToken: "refresh-1",
      scope: "openid profile email offline_access",
      expiresAt: (nowS + 3600) * 1000,
      tokenType: "Bearer",
    });
    expect(session!.internal).toMatchObject({
      iss: ISSUER,
      sid: "auth0-sid-42",
      createdAt: (nowS - 60) * 1000,
    });
    // Their cookie lives one hour (their generateSessionCookie's exp).
    expect(Math.abs(session!.internal.expiresAt - (Date.now() + 3_600_000))).toBeLessThan(5000);
    expect(session!.appField).toEqual({ plan: "pro" });
    expect(session).not.toHaveProperty("exp");
  });

  it("are re-sealed in our format by the middleware, keeping the user signed in", async () => {
    const cookie = await auth0SessionCookie(theirSession(), { secret: SECRET });
    const auth = createAuth({ secret: SECRET, ...OIDC });
    const response = await auth.middleware(requestWith({ __session: cookie }));
    const value = setCookies(response).get("__session")!.value;
    const header = JSON.parse(Buffer.from(value.split(".")[0]!, "base64url").toString());
    expect(header.kid).toEqual(expect.any(String));
    const session = await auth.getSession(requestWith({ __session: value }));
    expect(session!.user.sub).toBe("auth0|abc123");
    expect(session!.internal.createdAt).toBe((nowS - 60) * 1000);
  });

  it("move into the store when the app is stateful", async () => {
    const cookie = await auth0SessionCookie(theirSession(), { secret: SECRET });
    const store = memoryStore();
    const auth = createAuth({
      secret: SECRET,
      ...OIDC,
      sessionStore: store,
      acceptCookieSessions: true,
    });
    const response = await auth.middleware(requestWith({ __session: cookie }));
    const value = setCookies(response).get("__session")!.value;
    expect(value.length).toBeLessThan(cookie.length);
    expect(await store.deleteByLogoutToken({ iss: ISSUER, sid: "auth0-sid-42" })).toBe(1);
    expect(await auth.getSession(requestWith({ __session: value }))).toBeNull();
  });

  it("open when chunked their way (__session__0, __session__1) and with a rotated secret", async () => {
    const big = { ...theirSession(), appField: { notes: "n".repeat(5000) } };
    const cookie = await auth0SessionCookie(big, { secret: OTHER_SECRET });
    expect(cookie.length).toBeGreaterThan(3500);
    const chunks = { __session__0: cookie.slice(0, 3500), __session__1: cookie.slice(3500) };
    const auth = createAuth({ secret: [SECRET, OTHER_SECRET] });
    expect((await auth.getSession(requestWith(chunks)))!.appField).toEqual(big.appField);
    const response = await auth.middleware(requestWith(chunks));
    expect(deletes(response, ["__session__0", "__session__1"])).toBe(true);
    // Still over one chunk in our format: written as __session.0, __session.1, …
    const ours = Object.fromEntries(
      [...setCookies(response).values()]
        .filter((c) => c.name.startsWith("__session.") && c.value !== "")
        .map((c) => [c.name, c.value]),
    );
    expect(Object.keys(ours)).toContain("__session.1");
    expect((await auth.getSession(requestWith(ours)))!.appField).toEqual(big.appField);
  });

  it("are no session (and get deleted) with another secret or once expired", async () => {
    const cookie = await auth0SessionCookie(theirSession(), { secret: OTHER_SECRET });
    const auth = createAuth({ secret: SECRET });
    expect(await auth.getSession(requestWith({ __session: cookie }))).toBeNull();
    expect(deletes(await auth.middleware(requestWith({ __session: cookie })), ["__session"])).toBe(
      true,
    );

    const valid = await auth0SessionCookie(theirSession(), { secret: SECRET });
    vi.useFakeTimers({ now: Date.now() + 2 * 3_600_000, toFake: ["Date"] });
    expect(await auth.getSession(requestWith({ __session: valid }))).toBeNull();
  });
});
