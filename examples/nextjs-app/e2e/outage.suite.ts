import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, newPage } from "./support/browser.js";
import { type Stack, startStack } from "./support/stack.js";

/** The provider, then the session store, go down under a signed-in user: no page answers 500. */
export function outageSuite(browser: () => Browser) {
  describe("outages (redis store)", () => {
    let stack: Stack;
    let app: string;

    beforeAll(async () => {
      stack = await startStack({ store: "redis" });
      app = stack.apps[0]?.url as string;
    });

    afterAll(async () => {
      await stack?.close();
    });

    it("with the provider down, pages still render the session and the API answers 502", async () => {
      const page = await newPage(browser());
      await logIn(page, app);
      await stack.provider.close();

      const profile = await page.goto(`${app}/profile`);
      expect(profile?.status()).toBe(200);
      await expect(page.getByTestId("user-name").textContent()).resolves.toBe("Alice Liddell");
      const userinfo = await page.request.get(`${app}/api/userinfo`);
      expect(userinfo.status()).toBe(502);
      expect(await userinfo.json()).toEqual({ error: "provider_unavailable" });
      // A redirect when the app still holds the provider's discovery document, else its error page.
      const login = await page.request.get(`${app}/auth/login`, { maxRedirects: 0 });
      expect([302, 502]).toContain(login.status());

      // Only a server the test backends started can be taken down (not one from REDIS_URL).
      const server = stack.store.backend;
      if (server?.canRestart) {
        await server.stop();
        const home = await page.goto(`${app}/`);
        expect(home?.status()).toBe(200);
        await page.getByTestId("signed-out").waitFor();
        const guarded = await page.request.get(`${app}/profile`, { maxRedirects: 0 });
        expect(guarded.status()).toBe(307);
        expect((await page.request.get(`${app}/api/userinfo`)).status()).toBe(401);
      }
      await page.context().close();
    });
  });
}
