import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuth } from "../src/create-auth.js";
import { memoryStore } from "../src/store/memory-store.js";
import type { SessionStore } from "../src/store/types.js";
import { generateSessionCookie } from "../src/testing/index.js";
import { makeSession, requestWith, SECRET, setCookies } from "./helpers.js";

const newSession = () => ({
  user: { sub: "alice" },
  tokenSet: { accessToken: "at", refreshToken: "rt-1" },
  internal: { iss: "https://op.example/", sid: "sid-1" },
});

/** memoryStore that counts every call (one call is one round trip for the shipped drivers). */
function countingStore(inner: SessionStore = memoryStore()) {
  const calls: string[] = [];
  const store = {} as SessionStore;
  for (const method of Object.keys(inner) as (keyof SessionStore)[]) {
    const original = inner[method] as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls.push(method);
      return original.apply(inner, args);
    };
  }
  return { store, calls };
}

async function signIn(auth: ReturnType<typeof createAuth>) {
  const response = new Response(null);
  await auth.saveSession(requestWith({}), response, newSession());
  return setCookies(response).get("__session")!.value;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("throttled rolling", () => {
  it("stateful: 15 requests within 10 s cost one read each and no write, and no Set-Cookie", async () => {
    const { store, calls } = countingStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    const cookie = await signIn(auth);
    calls.length = 0;
    let setCookieHeaders = 0;
    for (let i = 0; i < 15; i++) {
      const response = await auth.middleware(requestWith({ __session: cookie }));
      setCookieHeaders += response.headers.getSetCookie().length;
      expect(
        response.headers.get("cache-control"),
        `request ${i}: cached as a session write`,
      ).toBeNull();
    }
    expect(calls, "store calls for 15 requests").toEqual(Array(15).fill("get"));
    expect(setCookieHeaders, "session Set-Cookie headers for 15 requests").toBe(0);
  });

  it("stateful: once updateAge has passed, one touch (never update) and one Set-Cookie", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { store, calls } = countingStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store, updateAge: 60 });
    const cookie = await signIn(auth);
    vi.setSystemTime(Date.now() + 61_000);
    calls.length = 0;
    const cookies: string[] = [];
    let current = cookie;
    for (let i = 0; i < 15; i++) {
      // Like a browser: each request carries the cookie the last response set.
      const response = await auth.middleware(requestWith({ __session: current }));
      cookies.push(...response.headers.getSetCookie());
      current = setCookies(response).get("__session")?.value ?? current;
    }
    expect(
      calls.filter((c) => c !== "get"),
      "writes for 15 requests",
    ).toEqual(["touch"]);
    expect(calls.length, "store round trips for 15 requests").toBeLessThanOrEqual(16);
    expect(cookies, "session Set-Cookie headers").toHaveLength(1);
  });

  it("stateless: 15 requests within 10 s re-seal the cookie at most once", async () => {
    const auth = createAuth({ secret: SECRET });
    let cookie = await generateSessionCookie(makeSession(), { secret: SECRET });
    let setCookieHeaders = 0;
    for (let i = 0; i < 15; i++) {
      const response = await auth.middleware(requestWith({ __session: cookie }));
      setCookieHeaders += response.headers.getSetCookie().length;
      cookie = setCookies(response).get("__session")?.value ?? cookie;
    }
    expect(setCookieHeaders, "session Set-Cookie headers for 15 requests").toBeLessThanOrEqual(1);
  });

  for (const mode of ["stateful", "stateless"] as const) {
    it(`${mode}: a session used every half-interval outlives inactivityDuration; one left idle for inactivityDuration plus the interval is gone`, async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const auth = createAuth({
        secret: SECRET,
        inactivityDuration: 60,
        updateAge: 10,
        ...(mode === "stateful" ? { sessionStore: memoryStore() } : {}),
      });
      const response = new Response(null);
      await auth.saveSession(requestWith({}), response, newSession());
      let cookie = setCookies(response).get("__session")!.value;
      const start = Date.now();
      // Three inactivity durations of use, a request every 5 s (half the interval).
      while (Date.now() - start < 180_000) {
        vi.setSystemTime(Date.now() + 5_000);
        const rolled = await auth.middleware(requestWith({ __session: cookie }));
        cookie = setCookies(rolled).get("__session")?.value ?? cookie;
        expect(
          await auth.getSession(requestWith({ __session: cookie })),
          `signed out at +${Date.now() - start} ms although used every 5 s`,
        ).not.toBeNull();
      }
      vi.setSystemTime(Date.now() + 70_000);
      expect(
        await auth.getSession(requestWith({ __session: cookie })),
        "still signed in after 70 s idle (inactivityDuration 60 s + updateAge 10 s)",
      ).toBeNull();
    });
  }
});

describe("a roll never writes old data back", () => {
  it("stateful: a roll that read the session before a concurrent updateSession keeps the new data", async () => {
    const inner = memoryStore();
    let releaseTouch!: () => void;
    const touchMayGo = new Promise<void>((resolve) => {
      releaseTouch = resolve;
    });
    let touchStarted!: () => void;
    const touchWaiting = new Promise<void>((resolve) => {
      touchStarted = resolve;
    });
    const store: SessionStore = {
      ...inner,
      async touch(id, options) {
        touchStarted();
        await touchMayGo;
        return inner.touch(id, options);
      },
    };
    const auth = createAuth({ secret: SECRET, sessionStore: store, updateAge: 0 });
    const cookie = await signIn(auth);
    // Request A reads the session and is about to roll it.
    const requestA = auth.middleware(requestWith({ __session: cookie }));
    await touchWaiting;
    // Request B (a token refresh, or updateSession) writes new data meanwhile.
    await auth.updateSession(requestWith({ __session: cookie }), new Response(null), (s) => ({
      ...s,
      tokenSet: { ...s.tokenSet, refreshToken: "rt-2" },
    }));
    releaseTouch();
    expect((await requestA).status).toBe(200);
    const after = await auth.getSession(requestWith({ __session: cookie }));
    expect(after?.tokenSet.refreshToken, "the roll wrote the old token set back").toBe("rt-2");
  });

  it("stateless: a roll within updateAge of a concurrent updateSession writes no cookie over it", async () => {
    const auth = createAuth({ secret: SECRET });
    const response = new Response(null);
    await auth.saveSession(requestWith({}), response, newSession());
    const cookie = setCookies(response).get("__session")!.value;
    const updated = new Response(null);
    await auth.updateSession(requestWith({ __session: cookie }), updated, (s) => ({
      ...s,
      tokenSet: { ...s.tokenSet, refreshToken: "rt-2" },
    }));
    // Request A read the old cookie; its response must not carry the old data back.
    const rolledA = await auth.middleware(requestWith({ __session: cookie }));
    expect(rolledA.headers.getSetCookie(), "A re-sealed the old session").toEqual([]);
    const newCookie = setCookies(updated).get("__session")!.value;
    const after = await auth.getSession(requestWith({ __session: newCookie }));
    expect(after?.tokenSet.refreshToken).toBe("rt-2");
  });
});
