import { generateSessionCookie as auth0SessionCookie } from "@auth0/nextjs-auth0/testing";
import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { SessionEvent } from "../../src/session/session-events.js";
import { memoryStore } from "../../src/store/memory-store.js";
import { requestWith, SECRET } from "../helpers.js";
import { backchannelPost, fakeProvider } from "./fake-provider.js";

const APP = "https://app.example.com";
const nowS = () => Math.floor(Date.now() / 1000);

// Issue 14, item 1: a session moved in from a nextjs-auth0 cookie recorded the issuer as typed in
// the config, while logout tokens carry the provider's own spelling (here with a trailing slash),
// so back-channel logout ended nothing and still answered 200.
describe("a migrated nextjs-auth0 session and back-channel logout", () => {
  it("records the discovered issuer, so a logout token for its sid ends it", async () => {
    const op = await fakeProvider("https://tenant.example.com/");
    const store = memoryStore();
    const events: SessionEvent[] = [];
    const auth = createAuth({
      secret: SECRET,
      issuer: "https://tenant.example.com",
      clientId: "client",
      clientSecret: "client-secret",
      appBaseUrl: APP,
      sessionStore: store,
      acceptCookieSessions: true,
      fetch: op.fetch,
      onSessionEvent: (event) => {
        events.push(event);
      },
      logger: { warn() {}, error() {} },
      env: {},
    });
    const cookie = await auth0SessionCookie(
      {
        user: { sub: "auth0|abc" },
        tokenSet: { accessToken: "at", expiresAt: nowS() + 3600 },
        internal: { sid: "their-sid", createdAt: nowS() - 60 },
      },
      { secret: SECRET },
    );
    const first = await auth.middleware(requestWith({ __session: cookie }));
    const moved = first.headers.getSetCookie().find((line) => line.startsWith("__session="));
    expect(moved, "the migrated session is moved into the store").toBeDefined();
    const ours = moved!.slice("__session=".length).split(";")[0]!;
    const listed = await store.listSessions({ iss: op.issuer, sub: "auth0|abc" });
    expect(listed.map((s) => s.session.internal.iss)).toEqual([op.issuer]);

    const token = await op.logoutToken({ aud: "client", sid: "their-sid", exp: nowS() + 120 });
    const answer = await auth.middleware(backchannelPost(`${APP}/auth/backchannel-logout`, token));
    expect(answer.status).toBe(200);
    const ended = events.find((e) => e.type === "ended" && e.reason === "back-channel-logout");
    expect(ended, "the back-channel logout ended a session").toMatchObject({ count: 1 });
    expect(await auth.getSession(requestWith({ __session: ours }))).toBeNull();
  });

  it("falls back to the configured issuer as typed when discovery fails", async () => {
    const auth = createAuth({
      secret: SECRET,
      issuer: "https://unreachable.example.com",
      clientId: "client",
      clientSecret: "client-secret",
      appBaseUrl: APP,
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
      logger: { warn() {}, error() {} },
      env: {},
    });
    const cookie = await auth0SessionCookie(
      {
        user: { sub: "auth0|abc" },
        tokenSet: { accessToken: "at", expiresAt: nowS() + 3600 },
        internal: { sid: "s", createdAt: nowS() },
      },
      { secret: SECRET },
    );
    const session = await auth.getSession(requestWith({ __session: cookie }));
    expect(session?.internal.iss).toBe("https://unreachable.example.com");
  });
});
