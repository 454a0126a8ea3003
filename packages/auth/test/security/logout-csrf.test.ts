import { NextRequest } from "next/server.js";
import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/options.js";
import { generateSessionCookie } from "../../src/testing/generate-session-cookie.js";
import { SECRET } from "../helpers.js";
import { fakeProvider } from "./fake-provider.js";

const APP = "https://app.example.com";

// Issue 14, item 4: a cross-site link (or image, or top-level navigation) to /auth/logout, or a
// Next <Link> prefetch of it, ended the app's session and the provider's.
async function setup(options: Partial<AuthOptions> = {}) {
  const op = await fakeProvider("https://op.example.com/");
  const auth = createAuth({
    secret: SECRET,
    issuer: op.issuer,
    clientId: "client",
    clientSecret: "client-secret",
    appBaseUrl: APP,
    fetch: op.fetch,
    logger: { warn() {}, error() {} },
    env: {},
    ...options,
  });
  const cookie = await generateSessionCookie(
    { user: { sub: "user-1" }, tokenSet: { idToken: "id-token" }, internal: { iss: op.issuer } },
    { secret: SECRET },
  );
  const logout = (headers: Record<string, string>, method = "GET") =>
    auth.middleware(
      new NextRequest(`${APP}/auth/logout`, {
        method,
        headers: { cookie: `__session=${cookie}`, ...headers },
      }),
    );
  const clearsSession = (response: Response) =>
    response.headers.getSetCookie().some((line) => /^__session=;/.test(line));
  return { logout, clearsSession };
}

describe("logout and cross-site requests", () => {
  const prefetches: Record<string, string>[] = [
    { "next-router-prefetch": "1" },
    { "sec-purpose": "prefetch" },
    { "sec-purpose": "prefetch;prerender" },
    { purpose: "prefetch" },
  ];
  for (const headers of prefetches) {
    it(`ignores a prefetch (${JSON.stringify(headers)}): 204, nothing ended`, async () => {
      const { logout, clearsSession } = await setup();
      const response = await logout({ "sec-fetch-site": "same-origin", ...headers });
      expect(response.status).toBe(204);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("location")).toBeNull();
      expect(clearsSession(response)).toBe(false);
    });
  }

  it("refuses a cross-site GET: 403, no redirect to the provider, the session stays", async () => {
    const { logout, clearsSession } = await setup();
    const response = await logout({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" });
    expect(response.status).toBe(403);
    expect(response.headers.get("location")).toBeNull();
    expect(clearsSession(response)).toBe(false);
  });

  it("refuses a POST from another origin (browsers without Sec-Fetch-Site)", async () => {
    const { logout, clearsSession } = await setup();
    for (const origin of ["https://evil.example", "null"]) {
      const response = await logout({ origin }, "POST");
      expect(response.status).toBe(403);
      expect(clearsSession(response)).toBe(false);
    }
  });

  it("still logs out a same-origin GET and a GET without fetch metadata", async () => {
    const { logout, clearsSession } = await setup();
    const variants: Record<string, string>[] = [
      { "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "none" },
      {},
    ];
    for (const headers of variants) {
      const response = await logout(headers);
      expect(response.status).toBe(302);
      expect(clearsSession(response)).toBe(true);
    }
  });

  it("postOnlyLogout: a GET is 405 and ends nothing; a same-origin POST logs out", async () => {
    const { logout, clearsSession } = await setup({ postOnlyLogout: true });
    const get = await logout({ "sec-fetch-site": "same-origin" });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(clearsSession(get)).toBe(false);
    const post = await logout({ "sec-fetch-site": "same-origin", origin: APP }, "POST");
    expect(post.status).toBe(302);
    expect(clearsSession(post)).toBe(true);
  });
});
