import { describe, expect, it, vi } from "vitest";
import { createAuth } from "../src/create-auth.js";
import type { SessionEvent } from "../src/session/session-events.js";
import { memoryStore } from "../src/store/memory-store.js";
import { deletes, recordingLogger, requestWith, SECRET, setCookies } from "./helpers.js";

const ISS = "https://op.example/";

const sessionOf = (sub: string, iss = ISS, device = "Firefox on Linux") => ({
  user: { sub },
  tokenSet: { accessToken: `at-${sub}-secret`, refreshToken: `rt-${sub}-secret` },
  internal: { iss, sid: `sid-${sub}` },
  device,
});

async function signIn(auth: ReturnType<typeof createAuth>, session = sessionOf("alice")) {
  const response = new Response(null);
  await auth.saveSession(requestWith({}), response, session);
  return setCookies(response).get("__session")!.value;
}

const cookieOf = (value: string) => requestWith({ __session: value });

function setup(extra: Parameters<typeof createAuth>[0] = {}) {
  const store = memoryStore();
  const auth = createAuth({ secret: SECRET, sessionStore: store, ...extra });
  return { store, auth };
}

describe("session management", () => {
  it("lists exactly the signed-in user's sessions at that issuer, the current one marked, never a token", async () => {
    const { auth } = setup();
    const laptop = await signIn(auth);
    const phone = await signIn(auth, sessionOf("alice", ISS, "Safari on iPhone"));
    await signIn(auth, sessionOf("bob"));
    await signIn(auth, sessionOf("alice", "https://other-op.example/"));
    const list = await auth.listSessions(cookieOf(laptop));
    expect(list, "alice's sessions at op.example").toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list.map((s) => s.fields.device).sort()).toEqual([
      "Firefox on Linux",
      "Safari on iPhone",
    ]);
    for (const entry of list) {
      expect(entry.createdAt).toBeLessThanOrEqual(Date.now());
      expect(entry.expiresAt).toBeGreaterThan(Date.now());
      expect(entry.lastActiveAt).toBeGreaterThanOrEqual(entry.createdAt);
    }
    const printed = JSON.stringify(list);
    expect(printed).not.toContain("secret");
    expect(printed).not.toContain(laptop.slice(0, 24));
    const fromPhone = await auth.listSessions(cookieOf(phone));
    expect(fromPhone.find((s) => s.current)!.fields.device).toBe("Safari on iPhone");
  });

  it("refuses another user's session id with AUTH_SESSION_NOT_FOUND and changes nothing", async () => {
    const { auth } = setup();
    const alice = await signIn(auth);
    const bob = await signIn(auth, sessionOf("bob"));
    const bobsId = (await auth.listSessions(cookieOf(bob)))[0]!.id;
    for (const id of [bobsId, "not-an-id", bobsId.toUpperCase()]) {
      const error = await auth
        .revokeSession(cookieOf(alice), new Response(null), id)
        .catch((e: unknown) => e);
      expect(error, `revoking ${id} as alice`).toMatchObject({
        name: "AuthError",
        code: "AUTH_SESSION_NOT_FOUND",
      });
    }
    expect(await auth.getSession(cookieOf(bob)), "bob's session survived").not.toBeNull();
    await expect(auth.revokeSession(cookieOf(alice), new Response(null), "")).rejects.toMatchObject(
      { code: "AUTH_INVALID_ARGUMENT" },
    );
  });

  it("revokes another device of the same user; that device's next request is signed out", async () => {
    const { auth } = setup();
    const laptop = await signIn(auth);
    const phone = await signIn(auth, sessionOf("alice", ISS, "phone"));
    const phoneId = (await auth.listSessions(cookieOf(laptop))).find((s) => !s.current)!.id;
    const response = new Response(null);
    await auth.revokeSession(cookieOf(laptop), response, phoneId);
    expect(response.headers.getSetCookie(), "the laptop's cookies stay").toEqual([]);
    expect(await auth.getSession(cookieOf(phone))).toBeNull();
    expect(deletes(await auth.middleware(cookieOf(phone)), ["__session"])).toBe(true);
    expect(await auth.getSession(cookieOf(laptop))).not.toBeNull();
  });

  it("revoking the current session clears its cookies", async () => {
    const { auth } = setup();
    const laptop = await signIn(auth);
    const [current] = await auth.listSessions(cookieOf(laptop));
    const response = new Response(null);
    await auth.revokeSession(cookieOf(laptop), response, current!.id);
    expect(deletes(response, ["__session"])).toBe(true);
    expect(await auth.getSession(cookieOf(laptop))).toBeNull();
  });

  it("revokeOtherSessions keeps only the current one; revokeUserSessions ends all of a user's", async () => {
    const { auth } = setup();
    const laptop = await signIn(auth);
    const others = [await signIn(auth), await signIn(auth)];
    const bob = await signIn(auth, sessionOf("bob"));
    expect(await auth.revokeOtherSessions(cookieOf(laptop))).toBe(2);
    for (const other of others) expect(await auth.getSession(cookieOf(other))).toBeNull();
    expect(await auth.getSession(cookieOf(laptop))).not.toBeNull();
    expect(await auth.revokeUserSessions({ sub: "alice", iss: ISS })).toBe(1);
    expect(await auth.getSession(cookieOf(laptop))).toBeNull();
    expect(await auth.getSession(cookieOf(bob))).not.toBeNull();
    await expect(auth.revokeUserSessions({ sub: "bob" })).rejects.toMatchObject({
      code: "AUTH_INVALID_ARGUMENT",
    });
  });

  it("a listed id grants nothing: it is not a session cookie", async () => {
    const { auth } = setup();
    const laptop = await signIn(auth);
    const [entry] = await auth.listSessions(cookieOf(laptop));
    expect(await auth.getSession(cookieOf(entry!.id))).toBeNull();
    expect(laptop).not.toContain(entry!.id);
  });

  it("without a sessionStore every helper throws AUTH_STORE_REQUIRED", async () => {
    const auth = createAuth({ secret: SECRET });
    const cookie = await signIn(auth);
    const calls = [
      () => auth.listSessions(cookieOf(cookie)),
      () => auth.revokeSession(cookieOf(cookie), new Response(null), "x"),
      () => auth.revokeOtherSessions(cookieOf(cookie)),
      () => auth.revokeUserSessions({ sub: "alice", iss: ISS }),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toMatchObject({
        name: "AuthError",
        code: "AUTH_STORE_REQUIRED",
        message: expect.stringMatching(/sessionStore/),
      });
    }
  });

  it("without a session the helpers throw AUTH_SESSION_MISSING", async () => {
    const { auth } = setup();
    await expect(auth.listSessions(requestWith({}))).rejects.toMatchObject({
      code: "AUTH_SESSION_MISSING",
    });
    await expect(auth.revokeOtherSessions(requestWith({}))).rejects.toMatchObject({
      code: "AUTH_SESSION_MISSING",
    });
  });
});

describe("onSessionEvent", () => {
  it("reports created, rolled and ended with reasons, with the public id and never a token", async () => {
    const events: SessionEvent[] = [];
    const { auth } = setup({ updateAge: 0, onSessionEvent: (event) => void events.push(event) });
    const laptop = await signIn(auth);
    const phone = await signIn(auth);
    await auth.middleware(cookieOf(laptop));
    const phoneId = (await auth.listSessions(cookieOf(laptop))).find((s) => !s.current)!.id;
    await auth.revokeSession(cookieOf(laptop), new Response(null), phoneId);
    await auth.middleware(cookieOf(phone)); // the revoked device comes back
    await auth.middleware(cookieOf("garbage"));
    await auth.deleteSession(cookieOf(laptop), new Response(null));
    const summary = () => events.map((e) => (e.type === "ended" ? `ended:${e.reason}` : e.type));
    // Ids are hashed asynchronously: wait for the last event rather than for a fixed time.
    await vi.waitFor(() => expect(summary()).toContain("ended:sign-out"), { timeout: 10_000 });
    expect(summary()).toEqual([
      "created",
      "created",
      "rolled",
      "ended:revoked",
      "ended:store-missing",
      "ended:unreadable-cookie",
      "ended:sign-out",
    ]);
    expect(events.find((e) => e.type === "ended" && e.reason === "revoked")!.sessionId).toBe(
      phoneId,
    );
    expect(events[0]).toMatchObject({ sub: "alice", iss: ISS, sid: "sid-alice" });
    expect(JSON.stringify(events)).not.toMatch(/secret|rt-|at-/);
  });

  it("a throwing or rejecting hook is logged and never breaks a request", async () => {
    for (const hook of [
      () => {
        throw new Error("audit log down");
      },
      async () => {
        throw new Error("audit log down");
      },
    ]) {
      const logger = recordingLogger();
      const { auth } = setup({ onSessionEvent: hook, logger });
      const cookie = await signIn(auth);
      expect(await auth.getSession(cookieOf(cookie))).not.toBeNull();
      await vi.waitFor(
        () => expect(logger.lines.some((line) => /onSessionEvent failed/.test(line))).toBe(true),
        { timeout: 10_000 },
      );
    }
  });
});
