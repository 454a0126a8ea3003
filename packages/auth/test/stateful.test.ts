import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAuth } from "../src/create-auth.js";
import { createSealer } from "../src/session/sealer.js";
import { memoryStore } from "../src/store/memory-store.js";
import { SessionStoreError } from "../src/store/session-store-error.js";
import type { SessionData, SessionStore } from "../src/store/types.js";
import { generateSessionCookie } from "../src/testing/index.js";
import {
  deletes,
  makeSession,
  recordingLogger,
  requestWith,
  SECRET,
  setCookies,
} from "./helpers.js";

const newSession = () => ({
  user: { sub: "alice", email: "alice@example.com" },
  tokenSet: { accessToken: "at" },
  internal: { iss: "https://op.example/", sid: "op-sid-1" },
});

/** memoryStore plus a log of the calls the core made. */
function spiedStore() {
  const inner = memoryStore();
  const calls: Array<{ method: string; id?: string; expiresAt?: number }> = [];
  const log = (method: string, id?: string, expiresAt?: number) =>
    calls.push({ method, id, expiresAt });
  const store: SessionStore = {
    get: (id) => {
      log("get", id);
      return inner.get(id);
    },
    set: (id, s, o) => {
      log("set", id, o.expiresAt);
      return inner.set(id, s, o);
    },
    update: (id, s, o) => {
      log("update", id, o.expiresAt);
      return inner.update(id, s, o);
    },
    touch: (id, o) => {
      log("touch", id, o.expiresAt);
      return inner.touch(id, o);
    },
    listSessions: (owner) => inner.listSessions(owner),
    delete: (id) => {
      log("delete", id);
      return inner.delete(id);
    },
    deleteByLogoutToken: (claims) => inner.deleteByLogoutToken(claims),
  };
  return { store, calls };
}

/** A store whose backend is down: every method throws the typed error drivers throw. */
function downStore(
  error: unknown = new SessionStoreError("STORE_UNAVAILABLE", "connection refused"),
) {
  const fail = async (): Promise<never> => {
    throw error;
  };
  return {
    get: fail,
    set: fail,
    update: fail,
    touch: fail,
    delete: fail,
    deleteByLogoutToken: fail,
    listSessions: fail,
  };
}

async function signIn(auth: ReturnType<typeof createAuth>, cookies: Record<string, string> = {}) {
  const response = new Response(null);
  await auth.saveSession(requestWith(cookies), response, newSession());
  return setCookies(response).get("__session")!.value;
}

const refOf = async (cookie: string) =>
  (await createSealer([SECRET]).open(cookie))!.payload.ref as string;
const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");

describe("stateful sessions", () => {
  it("keeps only a sealed random id in the cookie; the store sees its SHA-256", async () => {
    const { store, calls } = spiedStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    const cookie = await signIn(auth);
    const ref = await refOf(cookie);
    expect(Buffer.from(ref, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(cookie).not.toContain("alice");
    const set = calls.find((c) => c.method === "set")!;
    expect(set.id).toBe(sha256(ref));
    expect(set.id).not.toBe(ref);
    const session = await auth.getSession(requestWith({ __session: cookie }));
    expect(session).toMatchObject({ user: { sub: "alice" }, internal: { sid: "op-sid-1" } });
    expect(session!.internal.expiresAt).toBe(set.expiresAt);
  });

  it("issues a fresh id for every new session and drops the old one", async () => {
    const { store } = spiedStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    const first = await signIn(auth);
    const second = await signIn(auth, { __session: first });
    expect(await refOf(second)).not.toBe(await refOf(first));
    expect(await store.get(sha256(await refOf(first)))).toBeNull();
    expect(await auth.getSession(requestWith({ __session: first }))).toBeNull();
    expect(await auth.getSession(requestWith({ __session: second }))).not.toBeNull();
  });

  it("rolls with touch() (never a data write), and the cookie's Max-Age matches the store's expiresAt", async () => {
    const { store, calls } = spiedStore();
    const auth = createAuth({
      secret: SECRET,
      sessionStore: store,
      inactivityDuration: 900,
      updateAge: 0,
    });
    const cookie = await signIn(auth);
    calls.length = 0;
    const response = await auth.middleware(requestWith({ __session: cookie }));
    const update = calls.find((c) => c.method === "touch")!;
    expect(calls.map((c) => c.method)).toEqual(["get", "touch"]);
    const written = setCookies(response).get("__session")!;
    expect(written.maxAge).toBe(900);
    expect(Math.abs(update.expiresAt! - Date.now() - 900_000)).toBeLessThan(2000);
    expect(await refOf(written.value)).toBe(await refOf(cookie));
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("treats touch() = false as a session that is gone: no session, cookies deleted", async () => {
    const inner = memoryStore();
    let logoutBeforeUpdate = false;
    const store: SessionStore = {
      ...inner,
      async touch(id, options) {
        // A back-channel logout lands between this request's read and its roll.
        if (logoutBeforeUpdate)
          await inner.deleteByLogoutToken({ iss: "https://op.example/", sid: "op-sid-1" });
        return inner.touch(id, options);
      },
    };
    const auth = createAuth({ secret: SECRET, sessionStore: store, updateAge: 0 });
    const cookie = await signIn(auth);
    logoutBeforeUpdate = true;
    const response = await auth.middleware(requestWith({ __session: cookie }));
    expect(deletes(response, ["__session"])).toBe(true);
    expect(await auth.getSession(requestWith({ __session: cookie }))).toBeNull();
    // The logged-out session was not brought back to life.
    expect(await inner.deleteByLogoutToken({ iss: "https://op.example/", sub: "alice" })).toBe(0);
  });

  it("a cookie whose store record is gone is no session and gets deleted", async () => {
    const { store } = spiedStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    const cookie = await signIn(auth);
    await store.deleteByLogoutToken({ iss: "https://op.example/", sub: "alice" });
    expect(await auth.getSession(requestWith({ __session: cookie }))).toBeNull();
    expect(deletes(await auth.middleware(requestWith({ __session: cookie })), ["__session"])).toBe(
      true,
    );
  });

  it("deleteSession removes the store record and the cookie", async () => {
    const { store } = spiedStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    const cookie = await signIn(auth);
    const response = new Response(null);
    await auth.deleteSession(requestWith({ __session: cookie }), response);
    expect(deletes(response, ["__session"])).toBe(true);
    expect(await store.get(sha256(await refOf(cookie)))).toBeNull();
  });

  it("refuses a stateless cookie by default: a leaked secret cannot mint a session the store never saw", async () => {
    const { store, calls } = spiedStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    const cookie = await generateSessionCookie(makeSession(), { secret: SECRET });
    expect(await auth.getSession(requestWith({ __session: cookie }))).toBeNull();
    expect(deletes(await auth.middleware(requestWith({ __session: cookie })), ["__session"])).toBe(
      true,
    );
    expect(
      calls.some((c) => c.method === "set"),
      "a forged cookie was moved into the store",
    ).toBe(false);
  });

  it("with acceptCookieSessions, moves a stateless cookie into the store on the next request", async () => {
    const { store, calls } = spiedStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store, acceptCookieSessions: true });
    const session = makeSession();
    const cookie = await generateSessionCookie(session, { secret: SECRET });
    expect(await auth.getSession(requestWith({ __session: cookie }))).toEqual(session);
    const value = setCookies(await auth.middleware(requestWith({ __session: cookie }))).get(
      "__session",
    )!.value;
    expect(calls.some((c) => c.method === "set")).toBe(true);
    expect(value.length).toBeLessThan(cookie.length);
    expect((await auth.getSession(requestWith({ __session: value })))!.user).toEqual(session.user);
  });

  it("updateSession writes through update() and keeps the id", async () => {
    const { store } = spiedStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    const cookie = await signIn(auth);
    const response = new Response(null);
    await auth.updateSession(requestWith({ __session: cookie }), response, (s) => ({
      ...s,
      theme: "dark",
    }));
    expect((await auth.getSession(requestWith({ __session: cookie })))!.theme).toBe("dark");
  });

  it("treats a malformed record from a contract-breaking store as no session (and clears the cookie), never a throw", async () => {
    const healthy = memoryStore();
    const auth = createAuth({ secret: SECRET, sessionStore: healthy });
    const cookie = await signIn(auth);
    for (const record of [{}, "not a session", { user: { sub: "alice" } }]) {
      const broken: SessionStore = {
        ...healthy,
        get: async () => record as unknown as SessionData,
      };
      const brokenAuth = createAuth({ secret: SECRET, sessionStore: broken });
      expect(await brokenAuth.getSession(requestWith({ __session: cookie }))).toBeNull();
      const response = await brokenAuth.middleware(requestWith({ __session: cookie }));
      expect(response.status).toBe(200);
      expect(deletes(response, ["__session"])).toBe(true);
    }
  });

  describe("when the store is down", () => {
    it("answers no session by default, keeps the cookie, never fails the request, and logs once", async () => {
      const healthy = memoryStore();
      let down = false;
      const outage = downStore();
      const store: SessionStore = {
        get: (id) => (down ? outage.get() : healthy.get(id)),
        set: (id, s, o) => (down ? outage.set() : healthy.set(id, s, o)),
        update: (id, s, o) => (down ? outage.update() : healthy.update(id, s, o)),
        touch: (id, o) => (down ? outage.touch() : healthy.touch(id, o)),
        listSessions: (owner) => (down ? outage.listSessions() : healthy.listSessions(owner)),
        delete: (id) => (down ? outage.delete() : healthy.delete(id)),
        deleteByLogoutToken: (c) => healthy.deleteByLogoutToken(c),
      };
      const logger = recordingLogger();
      const auth = createAuth({ secret: SECRET, sessionStore: store, logger });
      const cookie = await signIn(auth);
      down = true;
      for (let i = 0; i < 3; i++) {
        expect(await auth.getSession(requestWith({ __session: cookie }))).toBeNull();
        const response = await auth.middleware(requestWith({ __session: cookie }));
        expect(response.status).toBe(200);
        expect(response.headers.getSetCookie()).toEqual([]);
      }
      expect(logger.lines).toHaveLength(1);
      expect(logger.lines[0]).toMatch(/^error: .*STORE_UNAVAILABLE/);
      expect(logger.lines[0]).not.toContain(cookie.slice(0, 20));
      down = false;
      expect(await auth.getSession(requestWith({ __session: cookie }))).not.toBeNull();
      expect(logger.lines[1]).toMatch(/^warn: .*recovered/);
    });

    it('surfaces the outage from getSession with onStoreError: "throw" (middleware still passes)', async () => {
      const working = createAuth({ secret: SECRET, sessionStore: memoryStore() });
      const cookie = await signIn(working);
      const auth = createAuth({
        secret: SECRET,
        sessionStore: downStore(),
        onStoreError: "throw",
        logger: recordingLogger(),
      });
      const error = await auth.getSession(requestWith({ __session: cookie })).catch((e) => e);
      expect(error).toMatchObject({ name: "AuthError", code: "AUTH_STORE_UNAVAILABLE" });
      expect(error.cause).toBeInstanceOf(SessionStoreError);
      expect(error.cause.code).toBe("STORE_UNAVAILABLE");
      const response = await auth.middleware(requestWith({ __session: cookie }));
      expect(response.status).toBe(200);
    });

    it("treats a store that throws something untyped as an outage too", async () => {
      const working = createAuth({ secret: SECRET, sessionStore: memoryStore() });
      const cookie = await signIn(working);
      const logger = recordingLogger();
      const auth = createAuth({
        secret: SECRET,
        sessionStore: downStore(new TypeError("boom")),
        logger,
      });
      expect(await auth.getSession(requestWith({ __session: cookie }))).toBeNull();
      expect(logger.lines[0]).toMatch(/STORE_OPERATION_FAILED/);
    });

    it("makes saveSession fail with AUTH_STORE_UNAVAILABLE (a login cannot complete)", async () => {
      const auth = createAuth({
        secret: SECRET,
        sessionStore: downStore(),
        logger: recordingLogger(),
      });
      await expect(
        auth.saveSession(requestWith({}), new Response(null), newSession()),
      ).rejects.toMatchObject({ code: "AUTH_STORE_UNAVAILABLE" });
    });
  });
});

describe("tokens at rest", () => {
  const tokens = {
    accessToken: "at-at-rest-1",
    refreshToken: "rt-at-rest-1",
    idToken: "it-at-rest-1",
  };
  const login = async (auth: ReturnType<typeof createAuth>) => {
    const response = new Response(null);
    await auth.saveSession(requestWith({}), response, { ...newSession(), tokenSet: tokens });
    return setCookies(response).get("__session")!.value;
  };

  it("seals the token set before it reaches the store; the app still reads it in clear", async () => {
    const store = memoryStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    const cookie = await login(auth);
    const [stored] = await store.listSessions({ iss: "https://op.example/", sub: "alice" });
    const raw = JSON.stringify(stored!.session);
    for (const token of Object.values(tokens))
      expect(raw, "a token in clear in the store").not.toContain(token);
    expect((await auth.getSession(requestWith({ __session: cookie })))!.tokenSet).toEqual(tokens);
    // updateSession keeps them sealed too.
    await auth.updateSession(requestWith({ __session: cookie }), new Response(null), (s) => ({
      ...s,
      tokenSet: { ...s.tokenSet, refreshToken: "rt-at-rest-2" },
    }));
    const [updated] = await store.listSessions({ iss: "https://op.example/", sub: "alice" });
    expect(JSON.stringify(updated!.session)).not.toContain("rt-at-rest-2");
    expect((await auth.getSession(requestWith({ __session: cookie })))!.tokenSet.refreshToken).toBe(
      "rt-at-rest-2",
    );
  });

  it("keeps opening sealed tokens after a secret rotation, and stores them in clear with sealTokens: false", async () => {
    const store = memoryStore();
    const before = createAuth({ secret: SECRET, sessionStore: store });
    const cookie = await login(before);
    const rotated = createAuth({ secret: ["n".repeat(40), SECRET], sessionStore: store });
    expect((await rotated.getSession(requestWith({ __session: cookie })))!.tokenSet).toEqual(
      tokens,
    );

    const plain = memoryStore();
    const clear = createAuth({ secret: SECRET, sessionStore: plain, sealTokens: false });
    await login(clear);
    const [stored] = await plain.listSessions({ iss: "https://op.example/", sub: "alice" });
    expect(stored!.session.tokenSet).toEqual(tokens);
  });

  it("a stored token set that no secret opens is no session (cookie cleared), never a throw", async () => {
    const store = memoryStore();
    const cookie = await login(createAuth({ secret: SECRET, sessionStore: store }));
    const [stored] = await store.listSessions({ iss: "https://op.example/", sub: "alice" });
    await store.update(
      stored!.id,
      { ...stored!.session, tokenSet: { sealed: "x.y.z" } as never },
      {
        expiresAt: stored!.expiresAt,
      },
    );
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    expect(await auth.getSession(requestWith({ __session: cookie }))).toBeNull();
    expect(deletes(await auth.middleware(requestWith({ __session: cookie })), ["__session"])).toBe(
      true,
    );
  });
});

describe("generateSessionCookie for a stateful app", () => {
  it("writes the session to the store and answers a cookie holding only its id", async () => {
    const store = memoryStore();
    const auth = createAuth({ secret: SECRET, sessionStore: store });
    const session = makeSession("grace");
    const cookie = await generateSessionCookie(session, { secret: SECRET, sessionStore: store });
    expect(cookie).not.toContain("grace");
    expect((await auth.getSession(requestWith({ __session: cookie })))?.user.sub).toBe("grace");
    expect(await store.listSessions({ iss: session.internal.iss, sub: "grace" })).toHaveLength(1);
  });
});
