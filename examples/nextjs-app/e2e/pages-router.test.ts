import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchBrowser,
  logIn,
  newPage,
  saveScreenshot,
  sessionCookies,
} from "./support/browser.js";
import { type Stack, type StoreKind, startStack } from "./support/stack.js";

// The Pages Router beside the App Router in one app: pages/pages-router.tsx reads the session in
// getServerSideProps, pages/api/pages-router/* call getSession(req, res) and
// getAccessToken(req, res). proxy.ts skips /api/pages-router/*, so what those routes write onto
// `res` is theirs alone. Its own file (and Chromium): Vitest runs the project's files one by one.

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Flips one character in the middle of a cookie value. */
function tamper(value: string): string {
  const at = Math.floor(value.length / 2);
  return `${value.slice(0, at)}${value[at] === "A" ? "B" : "A"}${value.slice(at + 1)}`;
}

/** The browser's session cookie values, by name. */
async function sessionJar(page: Page, app: string) {
  return Object.fromEntries((await sessionCookies(page, app)).map((c) => [c.name, c.value]));
}

/** Clicks one of the page's userinfo buttons and answers the API route's status, JSON and headers. */
async function callUserinfo(page: Page, button: "pages-call-userinfo" | "pages-refresh-userinfo") {
  const answered = page.waitForResponse((r) => r.url().includes("/api/pages-router/userinfo"));
  await page.getByTestId(button).click();
  const response = await answered;
  return {
    status: response.status(),
    body: await response.json(),
    cacheControl: await response.headerValue("cache-control"),
    setCookie: (await response.headerValue("set-cookie")) ?? "",
  };
}

describe.each<StoreKind>(["cookie", "redis"])(
  "the Pages Router in a browser (%s store)",
  (store) => {
    let stack: Stack;
    let app: string;

    beforeAll(async () => {
      stack = await startStack({ store });
      app = stack.apps[0]?.url as string;
    });

    afterAll(async () => {
      await stack?.close();
    });

    it("signed out, getServerSideProps sends the browser to the login with returnTo", async () => {
      const page = await newPage(browser!);
      const response = await page.request.get(`${app}/pages-router`, { maxRedirects: 0 });
      expect(response.status()).toBe(307);
      expect(response.headers().location).toBe("/auth/login?returnTo=%2Fpages-router");
      const api = await page.request.get(`${app}/api/pages-router/userinfo`);
      expect(api.status()).toBe(401);
      await page.context().close();
    });

    it("shows the session in getServerSideProps; the API route's getAccessToken(req, res) refreshes and writes it onto res", async () => {
      const page = await newPage(browser!);
      await logIn(page, app);
      const response = await page.goto(`${app}/pages-router`);
      expect(response?.status()).toBe(200);
      await expect(page.getByTestId("pages-user-name").textContent()).resolves.toBe(
        "Alice Liddell",
      );
      await expect(page.getByTestId("pages-user-sub").textContent()).resolves.toBe("alice");

      // A fresh token: answered as it is, nothing refreshed.
      const refreshesBefore = stack.refreshes();
      const plain = await callUserinfo(page, "pages-call-userinfo");
      expect(plain.status).toBe(200);
      expect(plain.body).toMatchObject({ status: 200, userinfo: { sub: "alice" } });
      expect(stack.refreshes()).toBe(refreshesBefore);

      // Forced refreshes: the provider rotates refresh tokens, so the second works only if the
      // first one's token set was written (onto res as a cookie, or into the store).
      for (let round = 1; round <= 2; round += 1) {
        const before = await sessionJar(page, app);
        const refreshed = await callUserinfo(page, "pages-refresh-userinfo");
        expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
        expect(refreshed.body).toMatchObject({ status: 200, userinfo: { sub: "alice" } });
        expect(stack.refreshes()).toBe(refreshesBefore + round);
        expect(refreshed.cacheControl).toBe("private, no-store");
        if (store === "cookie") {
          // proxy.ts skips /api/pages-router/*: this cookie was written onto res by the route.
          expect(refreshed.setCookie).toMatch(/^__session(\.0)?=[^;]+;/m);
          expect(await sessionJar(page, app), "the re-sealed session cookie").not.toEqual(before);
        }
        // With Redis the token set is in the store; the next round's refresh proves it was saved.
      }
      await page.getByTestId("pages-userinfo-result").waitFor();
      await saveScreenshot(page, `pages-router-${store}.png`);

      // The session is still good after the refreshes, for both routers.
      await page.reload();
      await expect(page.getByTestId("pages-user-name").textContent()).resolves.toBe(
        "Alice Liddell",
      );
      expect((await page.request.get(`${app}/auth/profile`)).status()).toBe(200);
      await page.context().close();
    });

    it("a tampered session cookie: the API route answers 401 and clears it on its response", async () => {
      const signedIn = await newPage(browser!);
      await logIn(signedIn, app);
      const good = await sessionJar(signedIn, app);
      expect(Object.keys(good)).not.toEqual([]);
      await signedIn.context().close();
      // A fresh context with no page of the app in it: the profile page's own fetch of
      // /auth/profile (after hydration, late on a busy machine) would otherwise carry the
      // tampered cookie first, clear it, and leave this request with no cookie at all.
      const page = await newPage(browser!);
      await page
        .context()
        .addCookies(
          Object.entries(good).map(([name, value]) => ({ name, value: tamper(value), url: app })),
        );

      const response = await page.request.get(`${app}/api/pages-router/session`);
      expect(response.status()).toBe(401);
      const cleared = response
        .headersArray()
        .filter((h) => h.name.toLowerCase() === "set-cookie")
        .map((h) => h.value);
      expect(cleared.some((line) => /^__session=;.*Max-Age=0/i.test(line))).toBe(true);
      expect(response.headers()["cache-control"]).toBe("private, no-store");
      expect(await sessionCookies(page, app)).toEqual([]);
      await page.context().close();
    });
  },
);
