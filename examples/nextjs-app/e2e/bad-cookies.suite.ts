import { randomBytes } from "node:crypto";
import { generateSessionCookie, type TestSession } from "@sessionkit/auth/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, saveScreenshot, sessionCookies } from "./support/browser.js";
import { type Stack, startStack } from "./support/stack.js";

const session = (iss: string): TestSession => ({
  user: { sub: "alice", name: "Alice Liddell", email: "alice@example.test" },
  tokenSet: { accessToken: "at", expiresAt: Date.now() + 600_000 },
  internal: { iss, sid: "sid-1" },
});

/** Flips one character in the middle of the JWE's ciphertext. */
function tamper(jwe: string): string {
  const at = Math.floor(jwe.length / 2);
  const swapped = jwe[at] === "A" ? "B" : "A";
  return `${jwe.slice(0, at)}${swapped}${jwe.slice(at + 1)}`;
}

/** Unreadable session cookies, planted directly (sealed with @sessionkit/auth/testing). */
export function badCookieSuite(browser: () => Browser) {
  describe("session cookies in a real browser (cookie store)", () => {
    let stack: Stack;
    let app: string;

    beforeAll(async () => {
      stack = await startStack({ store: "cookie" });
      app = stack.apps[0]?.url as string;
    });

    afterAll(async () => {
      await stack?.close();
    });

    async function visitWith(cookie: string): Promise<{ page: Page; status: number | undefined }> {
      const page = await newPage(browser());
      await page.context().addCookies([{ name: "__session", value: cookie, url: app }]);
      const response = await page.goto(`${app}/`);
      return { page, status: response?.status() };
    }

    it("a cookie sealed with the app's secret shows the user (the control case)", async () => {
      const cookie = await generateSessionCookie(session(stack.provider.issuer), {
        secret: stack.secret,
      });
      const { page, status } = await visitWith(cookie);
      expect(status).toBe(200);
      await expect(page.getByTestId("user-name").textContent()).resolves.toBe("Alice Liddell");
      expect(await sessionCookies(page, app)).toHaveLength(1);
      // The protected page renders it too (server component and useUser()).
      const profile = await page.goto(`${app}/profile`);
      expect(profile?.status()).toBe(200);
      await expect(page.getByTestId("user-name").textContent()).resolves.toBe("Alice Liddell");
      await saveScreenshot(page, "profile-planted-cookie.png");
      await page.context().close();
    });

    const cases: [string, () => Promise<string>][] = [
      [
        "expired",
        async () =>
          generateSessionCookie(session(stack.provider.issuer), {
            secret: stack.secret,
            expiresAt: Date.now() - 60_000,
          }),
      ],
      [
        "one byte changed",
        async () =>
          tamper(
            await generateSessionCookie(session(stack.provider.issuer), { secret: stack.secret }),
          ),
      ],
      [
        "sealed with another secret",
        async () =>
          generateSessionCookie(session(stack.provider.issuer), {
            secret: randomBytes(32).toString("base64url"),
          }),
      ],
      ["not a JWE at all", async () => "not-a-session"],
    ];

    for (const [name, make] of cases) {
      it(`a cookie that is ${name}: the page renders logged out and the cookie is cleared`, async () => {
        const { page, status } = await visitWith(await make());
        expect(status).toBe(200);
        await page.getByTestId("signed-out").waitFor();
        expect(await page.getByTestId("user-name").count()).toBe(0);
        expect(await sessionCookies(page, app)).toEqual([]);

        await page.context().close();

        // The API route and the protected page answer without a 500 too. Each is asked with the
        // cookie planted just before, from a context with no page of the app in it: the page's
        // own fetch of /auth/profile after hydration would otherwise carry it first and clear it.
        const probe = await newPage(browser());
        const withCookie = async (path: string) => {
          await probe.context().addCookies([{ name: "__session", value: await make(), url: app }]);
          return probe.request.get(`${app}${path}`, { maxRedirects: 0 });
        };
        const api = await withCookie("/api/userinfo");
        expect(api.status()).toBe(401);
        const profile = await withCookie("/profile");
        expect(profile.status()).toBe(307);
        expect(profile.headers().location).toMatch(/^(https?:\/\/[^/]+)?\/auth\/login\?returnTo=/);
        for (const response of [api, profile]) {
          const lines = response
            .headersArray()
            .filter((h) => h.name.toLowerCase() === "set-cookie")
            .map((h) => h.value);
          expect(lines.some((line) => /^__session=;.*Max-Age=0/i.test(line))).toBe(true);
        }
        expect(await sessionCookies(probe, app)).toEqual([]);
        await probe.context().close();
      });
    }
  });
}
