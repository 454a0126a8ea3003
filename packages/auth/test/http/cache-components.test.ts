import { afterEach, describe, expect, it, vi } from "vitest";

// Next's server sets this before its modules load; its render-unit store needs it.
vi.hoisted(() => {
  const { AsyncLocalStorage } = process.getBuiltinModule("node:async_hooks");
  (globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;
});

import { createAuth } from "../../src/create-auth.js";
import { memoryStore } from "../../src/store/memory-store.js";
import { generateSessionCookie } from "../../src/testing/index.js";
import { APP, makeSession, SECRET } from "../helpers.js";

/**
 * Next 16's Cache Components prerender a page until it awaits `connection()`; a `Date.now()`
 * read before that is the "unstable value" warning (or a prerender error). These tests stand in
 * for Next: they record the order of `connection()`, `cookies()` and the first clock read.
 */
function recordNext(cookie: string | undefined, connection: (() => Promise<void>) | undefined) {
  const order: string[] = [];
  vi.doMock("next/server.js", async (original) => ({
    ...(await original<typeof import("next/server.js")>()),
    connection: connection
      ? () => {
          order.push("connection");
          return connection();
        }
      : undefined,
  }));
  vi.doMock("next/headers.js", () => ({
    cookies: async () => {
      order.push("cookies");
      return { getAll: () => (cookie ? [{ name: "__session", value: cookie }] : []), set() {} };
    },
    headers: async () => new Headers({ host: "localhost:3000" }),
  }));
  const now = Date.now.bind(Date);
  vi.spyOn(Date, "now").mockImplementation(() => {
    if (!order.includes("clock")) order.push("clock");
    return now();
  });
  return order;
}

afterEach(() => {
  vi.doUnmock("next/server.js");
  vi.doUnmock("next/headers.js");
  vi.restoreAllMocks();
});

describe("the helpers mark the render dynamic before reading the clock (Cache Components)", () => {
  it("getSession() awaits connection() first, then reads the cookies and the clock", async () => {
    const session = makeSession("alice");
    const cookie = await generateSessionCookie(session, { secret: SECRET });
    const auth = createAuth({ secret: SECRET, appBaseUrl: APP });
    const order = recordNext(cookie, async () => {});
    expect(await auth.getSession()).toEqual(session);
    expect(order).toEqual(["connection", "cookies", "clock"]);
  });

  it("a prerender that never resolves connection() never reaches the cookies or the clock", async () => {
    const auth = createAuth({ secret: SECRET, appBaseUrl: APP });
    let reached!: () => void;
    const connectionReached = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const order = recordNext(undefined, () => {
      reached();
      return new Promise<void>(() => {});
    });
    const pending = auth.getSession();
    await connectionReached;
    // Whatever else was queued has run by the time a macrotask comes round.
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["connection"]);
    void pending;
  });

  it("getAccessToken(), listSessions() and updateSession() await connection() first too", async () => {
    const auth = createAuth({
      secret: SECRET,
      appBaseUrl: APP,
      issuer: "https://op.example.com",
      clientId: "app",
      clientSecret: "app-secret",
      sessionStore: memoryStore(),
    });
    const order = recordNext(undefined, async () => {});
    expect(await auth.getAccessToken()).toBeNull();
    expect(order.slice(0, 2)).toEqual(["connection", "cookies"]);
    order.length = 0;
    await expect(auth.listSessions()).rejects.toMatchObject({ code: "AUTH_SESSION_MISSING" });
    expect(order.slice(0, 2)).toEqual(["connection", "cookies"]);
    order.length = 0;
    await expect(auth.updateSession((s) => s)).rejects.toThrow();
    expect(order.slice(0, 2)).toEqual(["connection", "cookies"]);
  });

  it('inside "use cache: private" (where connection() is refused) it reads without it', async () => {
    const session = makeSession("carol");
    const cookie = await generateSessionCookie(session, { secret: SECRET });
    const auth = createAuth({ secret: SECRET, appBaseUrl: APP });
    const order = recordNext(cookie, async () => {});
    // Next's own store of the current render unit, as a "use cache: private" function sets it.
    const { workUnitAsyncStorage } = (await import(
      "next/dist/server/app-render/work-unit-async-storage.external.js"
    )) as unknown as {
      workUnitAsyncStorage: { run<T>(store: unknown, work: () => T): T };
    };
    const read = await workUnitAsyncStorage.run({ type: "private-cache" }, () => auth.getSession());
    expect(read).toEqual(session);
    expect(order).toEqual(["cookies", "clock"]);
  });

  it("works where next/server has no connection() (Next 14) or it throws outside a request", async () => {
    const session = makeSession("bob");
    const cookie = await generateSessionCookie(session, { secret: SECRET });
    const auth = createAuth({ secret: SECRET, appBaseUrl: APP });
    recordNext(cookie, undefined);
    expect(await auth.getSession()).toEqual(session);
    vi.doUnmock("next/server.js");
    // The real connection() throws outside a Next request; a mocked next/headers still answers.
    expect(await auth.getSession()).toEqual(session);
  });
});
