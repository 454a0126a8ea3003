import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, newPage, sessionCookies } from "./support/browser.js";
import { type Stack, startStack } from "./support/stack.js";

/** Two instances of the app on one shared store, and a back-channel logout from the provider. */
export function sharedStoreSuite(browser: () => Browser) {
  describe.each(["redis", "prisma"] as const)("two app instances sharing one %s store", (store) => {
    let stack: Stack;
    let first: string;
    let second: string;

    beforeAll(async () => {
      stack = await startStack({ store, instances: 2 });
      [first, second] = stack.apps.map((app) => app.url) as [string, string];
    });

    afterAll(async () => {
      await stack?.close();
    });

    it("shares the session, and a back-channel logout to the second ends it on the first", async () => {
      const page = await newPage(browser());
      await logIn(page, first);
      await expect(page.getByTestId("user-name").textContent()).resolves.toBe("Alice Liddell");
      const sid = await page.getByTestId("session-sid").textContent();

      // Same host, other port: the browser sends the same cookie; the session comes from the shared store.
      await page.goto(`${second}/profile`);
      expect(page.url()).toBe(`${second}/profile`);
      await expect(page.getByTestId("user-name").textContent()).resolves.toBe("Alice Liddell");
      await expect(page.getByTestId("session-sid").textContent()).resolves.toBe(sid);

      // End the session at the provider itself (not through either app): it POSTs a
      // logout token to the second instance's /auth/backchannel-logout.
      await page.goto(`${stack.provider.issuer}/session/end`);
      await page.getByRole("button", { name: "Yes, sign me out" }).click();
      await page.getByText("Signed out").waitFor();
      expect(stack.backchannel).toEqual([{ ok: true, uri: `${second}/auth/backchannel-logout` }]);

      // The first instance never heard from the provider, yet its next request is logged out.
      const response = await page.goto(`${first}/`);
      expect(response?.status()).toBe(200);
      await page.getByTestId("signed-out").waitFor();
      expect(await sessionCookies(page, first)).toEqual([]);
      const profile = await page.request.get(`${first}/profile`, { maxRedirects: 0 });
      expect(profile.status()).toBe(307);
      await page.context().close();
    });
  });
}
