// Follows docs/migrating-from-nextjs-auth0.md, "Keep users signed in across the switch": a
// cookie written by @auth0/nextjs-auth0 itself is read by createAuth configured as the guide
// says, the session is kept, and after one request through the middleware it is ours.
import { readFileSync } from "node:fs";
import { generateSessionCookie } from "@auth0/nextjs-auth0/testing";
import { createAuth, memoryStore } from "@sessionkit/auth";
import { describe, expect, it } from "vitest";
import { createSealer } from "../src/session/sealer.js";
import { requestWith, setCookies } from "./helpers.js";

// The app's environment before the switch, as nextjs-auth0 v4 reads it (AUTH0_SECRET: 32 bytes, hex).
const before = {
  AUTH0_SECRET: "5f2c1e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e",
  AUTH0_DOMAIN: "tenant.example.auth0.com",
  AUTH0_CLIENT_ID: "app-client-id",
  AUTH0_CLIENT_SECRET: "app-client-secret",
  APP_BASE_URL: "https://app.example.com",
};

// Step 1 of the guide: the same values under sessionkit's names.
const after = {
  AUTH_SECRET: before.AUTH0_SECRET,
  AUTH_ISSUER: `https://${before.AUTH0_DOMAIN}/`,
  AUTH_CLIENT_ID: before.AUTH0_CLIENT_ID,
  AUTH_CLIENT_SECRET: before.AUTH0_CLIENT_SECRET,
  APP_BASE_URL: before.APP_BASE_URL,
};

const nowSeconds = Math.floor(Date.now() / 1000);

/** A signed-in user's cookie, written by nextjs-auth0's own code (epoch seconds, its field names). */
function theirCookie() {
  return generateSessionCookie(
    {
      user: { sub: "auth0|ada", name: "Ada Lovelace", email: "ada@example.com" },
      tokenSet: {
        accessToken: "their-access-token",
        idToken: "their-id-token",
        refreshToken: "their-refresh-token",
        expiresAt: nowSeconds + 3600,
        scope: "openid profile email offline_access",
      },
      internal: { sid: "auth0-sid-7", createdAt: nowSeconds - 600 },
      plan: "pro",
    },
    { secret: before.AUTH0_SECRET },
  );
}

/** The format a session cookie is sealed in, as the core's own sealer sees it. */
async function formatOf(cookie: string) {
  return (await createSealer([after.AUTH_SECRET]).open(cookie))?.format;
}

describe("docs/migrating-from-nextjs-auth0.md, step by step", () => {
  it("uses the nextjs-auth0 release the guide was checked against", () => {
    const manifest = new URL("../node_modules/@auth0/nextjs-auth0/package.json", import.meta.url);
    expect(JSON.parse(readFileSync(manifest, "utf8")).version).toBe("4.30.0");
  });

  it("stateless: the user stays signed in, and after one request the cookie is sessionkit's", async () => {
    const cookie = await theirCookie();
    expect(await formatOf(cookie)).toBe("nextjs-auth0");
    const auth = createAuth({ env: after });

    const session = await auth.getSession(requestWith({ __session: cookie }));
    expect(session?.user).toEqual({
      sub: "auth0|ada",
      name: "Ada Lovelace",
      email: "ada@example.com",
    });
    expect(session?.tokenSet.refreshToken).toBe("their-refresh-token");
    expect(session?.tokenSet.expiresAt).toBe((nowSeconds + 3600) * 1000); // now epoch ms
    expect(session?.internal).toMatchObject({ iss: after.AUTH_ISSUER, sid: "auth0-sid-7" });
    expect(session?.plan).toBe("pro");

    // Step 3: one request through the middleware (proxy.ts) re-seals the cookie in our format.
    const response = await auth.middleware(requestWith({ __session: cookie }));
    const ours = setCookies(response).get("__session")?.value;
    expect(ours).toBeDefined();
    expect(await formatOf(ours!)).toBe("sessionkit");
    const kept = await auth.getSession(requestWith({ __session: ours! }));
    expect(kept?.user.sub).toBe("auth0|ada");
    expect(kept?.internal.createdAt).toBe((nowSeconds - 600) * 1000); // sign-in time kept
  });

  it("stateful: after one request the session is in the store and the cookie holds only its id", async () => {
    const store = memoryStore();
    const auth = createAuth({ env: after, sessionStore: store, acceptCookieSessions: true });
    const response = await auth.middleware(requestWith({ __session: await theirCookie() }));
    const ours = setCookies(response).get("__session")?.value;
    expect(await formatOf(ours!)).toBe("sessionkit");
    expect(await auth.getSession(requestWith({ __session: ours! }))).toMatchObject({
      user: { sub: "auth0|ada" },
    });
    const stored = await store.listSessions({ iss: after.AUTH_ISSUER, sub: "auth0|ada" });
    expect(stored).toHaveLength(1);
    // The tokens are in the store, sealed (docs/security.md: tokens at rest), and not in the cookie.
    expect(JSON.stringify(stored[0]?.session.tokenSet)).not.toContain("their-refresh-token");
    const token = await auth.getAccessToken(requestWith({ __session: ours! }));
    expect(token?.token).toBeDefined();
    expect((await auth.getSession(requestWith({ __session: ours! })))?.tokenSet.refreshToken).toBe(
      "their-refresh-token",
    );
    expect(ours).not.toContain("their-refresh-token");
  });

  it("step 4: once the window has passed, acceptCookieSessions: false signs such cookies out", async () => {
    const auth = createAuth({
      env: after,
      sessionStore: memoryStore(),
      acceptCookieSessions: false,
    });
    expect(await auth.getSession(requestWith({ __session: await theirCookie() }))).toBeNull();
  });

  it("a wrong AUTH_SECRET (not the old AUTH0_SECRET) signs everyone out, never a 500", async () => {
    const auth = createAuth({
      env: { ...after, AUTH_SECRET: "a-new-secret-that-is-long-enough-0123456789" },
    });
    const cookie = await theirCookie();
    expect(await auth.getSession(requestWith({ __session: cookie }))).toBeNull();
    const response = await auth.middleware(requestWith({ __session: cookie }));
    expect(response.status).toBe(200);
    expect(setCookies(response).get("__session")?.value).toBe("");
  });
});
