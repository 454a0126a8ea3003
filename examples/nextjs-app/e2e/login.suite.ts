import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, newPage, saveScreenshot, sessionCookies } from "./support/browser.js";
import { type Stack, type StoreKind, startStack } from "./support/stack.js";

/** Log in, reload, call the APIs, log out: with stateless cookies and with Redis. */
export function loginSuite(browser: () => Browser) {
  describe.each<StoreKind>(["cookie", "redis"])(
    "log in and out in a browser (%s store)",
    (store) => {
      let stack: Stack;
      let app: string;

      beforeAll(async () => {
        // Access tokens shorter-lived than the refresh buffer (60 s): every getAccessToken() refreshes.
        stack = await startStack({ store, accessTokenTtl: 30 });
        app = stack.apps[0]?.url as string;
      });

      afterAll(async () => {
        await stack?.close();
      });

      it("logs in through the provider's pages, keeps the session across reloads, and logs out", async () => {
        const page = await newPage(browser());
        await page.goto(`${app}/`);
        await page.getByTestId("signed-out").waitFor();

        await logIn(page, app);
        await expect(page.getByTestId("user-name").textContent()).resolves.toBe("Alice Liddell");
        await expect(page.getByTestId("claim-email").textContent()).resolves.toBe(
          "alice@example.test",
        );
        // The client component loads the same user through /auth/profile.
        await expect(page.getByTestId("client-user").textContent()).resolves.toContain(
          "Alice Liddell",
        );
        expect(await sessionCookies(page, app)).not.toEqual([]);
        await saveScreenshot(page, `profile-${store}.png`);

        await page.reload();
        await expect(page.getByTestId("user-name").textContent()).resolves.toBe("Alice Liddell");
        const profile = await page.request.get(`${app}/auth/profile`);
        expect(profile.status()).toBe(200);
        expect(await profile.json()).toMatchObject({ sub: "alice" });

        // The route handler calls the provider's userinfo API with auth.getAccessToken(), which
        // refreshes here; the provider rotates refresh tokens, so the second call works only
        // if the first one saved the new token set (cookie or store).
        for (let call = 0; call < 2; call += 1) {
          const userinfo = await page.request.get(`${app}/api/userinfo`);
          expect(userinfo.status()).toBe(200);
          expect(await userinfo.json()).toMatchObject({ status: 200, userinfo: { sub: "alice" } });
        }
        expect(stack.refreshes()).toBe(2);

        // "Your sessions": a stateful store lists this one, labelled from the login's
        // User-Agent; cookie sessions are listed nowhere, and the page says so.
        await page.getByTestId("nav-sessions").click();
        await page.getByRole("heading", { name: "Your sessions" }).waitFor();
        if (store === "cookie") {
          await page.getByTestId("sessions-unavailable").waitFor();
        } else {
          await expect(page.getByTestId("current-session").count()).resolves.toBe(1);
          await expect(page.getByTestId("session-device").textContent()).resolves.toMatch(
            /Chrome on Linux$/,
          );
          await page.getByTestId("no-other-sessions").waitFor();
        }

        // RP-initiated logout: the app ends its session, the provider asks to confirm, back to the app.
        await page.getByTestId("logout").click();
        await page.getByRole("button", { name: "Yes, sign me out" }).click();
        await page.waitForURL(`${app}/`);
        await page.getByTestId("signed-out").waitFor();
        expect(await sessionCookies(page, app)).toEqual([]);
        expect((await page.request.get(`${app}/auth/profile`)).status()).toBe(401);

        // The provider's session ended too: /profile leads to its sign-in form again.
        await page.goto(`${app}/profile`);
        await page.getByLabel("Password").waitFor();
        expect(page.url().startsWith(stack.provider.issuer)).toBe(true);
        await page.context().close();
      });
    },
  );
}
