import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuth, createAuthWith } from "../src/create-auth.js";
import { CHUNK_SIZE } from "../src/session/session-cookies.js";
import { generateSessionCookie } from "../src/testing/index.js";
import {
  APP,
  deletes,
  makeSession,
  OTHER_SECRET,
  requestWith,
  SECRET,
  setCookies,
} from "./helpers.js";

const DAY = 86_400;

afterEach(() => {
  vi.useRealTimers();
});

async function signedIn(extra: Record<string, unknown> = {}, secret = SECRET) {
  const session = makeSession("alice", { extra });
  return { session, cookie: await generateSessionCookie(session, { secret }) };
}

describe("stateless sessions", () => {
  it("reads a session from the cookie and answers null without one", async () => {
    const auth = createAuth({ secret: SECRET });
    const { session, cookie } = await signedIn();
    expect(await auth.getSession(requestWith({ __session: cookie }))).toEqual(session);
    expect(await auth.getSession(requestWith({}))).toBeNull();
    expect(await auth.getSession(requestWith({ other: "x" }))).toBeNull();
  });

  it("leaves a request without session cookies untouched", async () => {
    const auth = createAuth({ secret: SECRET });
    const response = await auth.middleware(requestWith({ theme: "dark" }));
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get("cache-control")).toBeNull();
  });

  it("rolls: middleware re-seals with expiresAt = now + inactivityDuration and a matching Max-Age", async () => {
    const auth = createAuth({ secret: SECRET, inactivityDuration: 600, updateAge: 0 });
    const { cookie } = await signedIn();
    const before = Date.now();
    const response = await auth.middleware(requestWith({ __session: cookie }));
    const written = setCookies(response).get("__session")!;
    expect(written.maxAge).toBe(600);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const rolled = await auth.getSession(requestWith({ __session: written.value }));
    expect(rolled!.internal.expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(rolled!.internal.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
    const exp = JSON.parse(Buffer.from(written.value.split(".")[0]!, "base64url").toString());
    expect(exp.alg).toBe("dir");
  });

  it("never rolls past absoluteDuration, and ends the session there", async () => {
    const auth = createAuth({
      secret: SECRET,
      inactivityDuration: DAY,
      absoluteDuration: 2 * DAY,
      updateAge: 10,
    });
    const now = Date.now();
    const session = makeSession("alice", { ageMs: 2 * DAY * 1000 - 60_000, ttlMs: 60_000 });
    const cookie = await generateSessionCookie(session, { secret: SECRET });
    const capped = makeSession("alice", { ageMs: 2 * DAY * 1000 - 60_000, ttlMs: 30_000 });
    const response = await auth.middleware(
      requestWith({ __session: await generateSessionCookie(capped, { secret: SECRET }) }),
    );
    const written = setCookies(response).get("__session")!;
    expect(written.maxAge).toBeLessThanOrEqual(60);
    const rolled = await auth.getSession(requestWith({ __session: written.value }));
    expect(rolled!.internal.expiresAt).toBe(capped.internal.createdAt + 2 * DAY * 1000);
    expect(rolled!.internal.expiresAt).toBeLessThan(now + 61_000);
    // Already at the cap: there is nothing to move, so nothing is written.
    const atCap = await auth.middleware(requestWith({ __session: written.value }));
    expect(atCap.headers.getSetCookie()).toEqual([]);
    expect(await auth.getSession(requestWith({ __session: cookie }))).not.toBeNull();

    const tooOld = makeSession("alice", { ageMs: 3 * DAY * 1000, ttlMs: 60_000 });
    const old = await generateSessionCookie(tooOld, { secret: SECRET });
    expect(await auth.getSession(requestWith({ __session: old }))).toBeNull();
  });

  it("with rolling: false writes nothing and keeps the session to createdAt + absoluteDuration", async () => {
    const auth = createAuth({ secret: SECRET, rolling: false });
    const { cookie } = await signedIn();
    const response = await auth.middleware(requestWith({ __session: cookie }));
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("sets HttpOnly, SameSite=Lax, Path=/ and Secure except on http://localhost", async () => {
    const auth = createAuth({ secret: SECRET });
    const { cookie } = await signedIn();
    const secure = setCookies(await auth.middleware(requestWith({ __session: cookie })));
    expect(secure.get("__session")).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: "lax",
      path: "/",
    });
    const local = setCookies(
      await auth.middleware(requestWith({ __session: cookie }, "http://localhost:3000/")),
    );
    expect(local.get("__session")!.secure).toBeUndefined();
    const plainHttp = setCookies(
      await auth.middleware(requestWith({ __session: cookie }, "http://app.example.com/")),
    );
    expect(plainHttp.get("__session")!.secure).toBe(true);
    const configured = createAuth({ secret: SECRET, appBaseUrl: "http://localhost:3000" });
    const viaBase = setCookies(await configured.middleware(requestWith({ __session: cookie })));
    expect(viaBase.get("__session")!.secure).toBeUndefined();
  });

  it("keeps its Set-Cookie headers when the app adds cookies of its own to the response", async () => {
    const auth = createAuth({ secret: SECRET });
    const { cookie } = await signedIn();
    const response = await auth.middleware(requestWith({ __session: cookie }));
    const value = setCookies(response).get("__session")!.value;
    response.cookies.set("theme", "dark");
    const after = setCookies(response);
    expect(after.get("theme")!.value).toBe("dark");
    expect(after.get("__session")).toMatchObject({
      value,
      httpOnly: true,
      secure: true,
      path: "/",
    });
    expect(after.get("__session")!.sameSite).toMatch(/lax/i);
  });

  it("writes a transient cookie without Max-Age when asked", async () => {
    const auth = createAuth({ secret: SECRET, cookie: { transient: true } });
    const { cookie } = await signedIn();
    const written = setCookies(await auth.middleware(requestWith({ __session: cookie })));
    expect(written.get("__session")!.maxAge).toBeUndefined();
    expect(written.get("__session")!.expires).toBeUndefined();
  });

  it("chunks a large session into __session.N cookies, reads them back and deletes stale ones", async () => {
    const auth = createAuth({ secret: SECRET });
    const { session, cookie } = await signedIn({ blob: "x".repeat(9000) });
    expect(cookie.length).toBeGreaterThan(2 * CHUNK_SIZE);
    const chunks = Object.fromEntries(
      Array.from({ length: Math.ceil(cookie.length / CHUNK_SIZE) }, (_, i) => [
        `__session.${i}`,
        cookie.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE),
      ]),
    );
    expect(await auth.getSession(requestWith(chunks))).toEqual(session);

    const response = await auth.middleware(requestWith(chunks));
    const written = setCookies(response);
    const names = [...written.keys()].filter((n) => written.get(n)!.value !== "");
    expect(names).toEqual(Object.keys(chunks));
    for (const c of written.values()) expect(c.value.length).toBeLessThanOrEqual(CHUNK_SIZE);

    // Shrinking back to one cookie deletes every chunk the browser still has.
    const small = (await signedIn()).cookie;
    const saveResponse = new Response(null);
    await auth.saveSession(requestWith(chunks), saveResponse, {
      user: { sub: "bob" },
      tokenSet: {},
      internal: { iss: "https://op.example/" },
    });
    expect(small.length).toBeLessThan(CHUNK_SIZE);
    const saved = setCookies(saveResponse);
    expect(saved.get("__session")!.value).not.toBe("");
    expect(deletes(saveResponse, Object.keys(chunks))).toBe(true);
    expect(saveResponse.headers.get("cache-control")).toBe("private, no-store");
  });

  it("opens cookies sealed by either engine with the other", async () => {
    const nodeAuth = createAuthWith({ secret: SECRET }, { engine: "node" });
    const webAuth = createAuthWith({ secret: SECRET }, { engine: "web" });
    const { session, cookie } = await signedIn();
    for (const auth of [nodeAuth, webAuth]) {
      const rolled = setCookies(await auth.middleware(requestWith({ __session: cookie })));
      const value = rolled.get("__session")!.value;
      expect((await nodeAuth.getSession(requestWith({ __session: value })))!.user).toEqual(
        session.user,
      );
      expect((await webAuth.getSession(requestWith({ __session: value })))!.user).toEqual(
        session.user,
      );
    }
  });

  it("rotates secrets: cookies sealed with an older secret still open, new ones use the first", async () => {
    const { session, cookie } = await signedIn({}, OTHER_SECRET);
    const auth = createAuth({ secret: [SECRET, OTHER_SECRET] });
    expect(await auth.getSession(requestWith({ __session: cookie }))).toEqual(session);
    const rolled = setCookies(await auth.middleware(requestWith({ __session: cookie })));
    const value = rolled.get("__session")!.value;
    expect(
      await createAuth({ secret: SECRET }).getSession(requestWith({ __session: value })),
    ).not.toBeNull();
    expect(
      await createAuth({ secret: OTHER_SECRET }).getSession(requestWith({ __session: value })),
    ).toBeNull();
  });

  it("updateSession replaces the data but keeps internal bookkeeping", async () => {
    const auth = createAuth({ secret: SECRET });
    const { session, cookie } = await signedIn();
    const request = requestWith({ __session: cookie });
    const response = new Response(null);
    await auth.updateSession(request, response, (current) => ({
      ...current,
      user: { ...current.user, name: "Alice Renamed" },
      internal: { ...current.internal, iss: "https://evil.example/" },
      cart: 3,
    }));
    const value = setCookies(response).get("__session")!.value;
    const updated = await auth.getSession(requestWith({ __session: value }));
    expect(updated!.user.name).toBe("Alice Renamed");
    expect(updated!.cart).toBe(3);
    expect(updated!.internal.iss).toBe(session.internal.iss);
    expect(updated!.internal.createdAt).toBe(session.internal.createdAt);
    await expect(
      auth.updateSession(requestWith({}), new Response(null), session),
    ).rejects.toMatchObject({ code: "AUTH_SESSION_MISSING" });
  });

  it("deleteSession deletes every session cookie", async () => {
    const auth = createAuth({ secret: SECRET });
    const { cookie } = await signedIn();
    const response = new Response(null);
    await auth.deleteSession(requestWith({ __session: cookie, "__session.3": "x" }), response);
    expect(deletes(response, ["__session", "__session.3"])).toBe(true);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("sees a session expire at expiresAt", async () => {
    const auth = createAuth({ secret: SECRET });
    const session = makeSession("alice", { ttlMs: 5_000 });
    const cookie = await generateSessionCookie(session, { secret: SECRET });
    vi.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
    expect(await auth.getSession(requestWith({ __session: cookie }))).not.toBeNull();
    vi.setSystemTime(session.internal.expiresAt + 1);
    expect(await auth.getSession(requestWith({ __session: cookie }))).toBeNull();
    const response = await auth.middleware(requestWith({ __session: cookie }));
    expect(deletes(response, ["__session"])).toBe(true);
  });

  it("reads next/headers cookies when called without a request", async () => {
    const { session, cookie } = await signedIn();
    vi.doMock("next/headers.js", () => ({
      cookies: async () => ({ getAll: () => [{ name: "__session", value: cookie }], set() {} }),
      headers: async () => new Headers({ host: "app.example.com" }),
    }));
    try {
      const auth = createAuth({ secret: SECRET, appBaseUrl: APP });
      expect(await auth.getSession()).toEqual(session);
    } finally {
      vi.doUnmock("next/headers.js");
    }
  });

  it("updateSession(update) writes through next/headers cookies (server actions)", async () => {
    const { cookie } = await signedIn();
    const written: Array<Record<string, unknown>> = [];
    vi.doMock("next/headers.js", () => ({
      cookies: async () => ({
        getAll: () => [{ name: "__session", value: cookie }],
        set: (c: Record<string, unknown>) => written.push(c),
      }),
      headers: async () => new Headers({ host: "localhost:3000" }),
    }));
    try {
      const auth = createAuth({ secret: SECRET });
      await auth.updateSession((s) => ({ ...s, theme: "dark" }));
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({
        name: "__session",
        httpOnly: true,
        secure: false,
        path: "/",
      });
      const updated = await auth.getSession(
        requestWith({ __session: written[0]!.value as string }),
      );
      expect(updated!.theme).toBe("dark");
    } finally {
      vi.doUnmock("next/headers.js");
    }
  });
});
