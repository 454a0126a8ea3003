import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, newPage, saveScreenshot, sessionCookies } from "./support/browser.js";
import { type Stack, type StoreKind, startStack } from "./support/stack.js";

// One user agent per browser context, so each session's device label tells them apart.
const DEVICES = {
  laptop: {
    userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    label: "Firefox on Windows",
  },
  phone: {
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    label: "Safari on iPhone",
  },
  tablet: {
    userAgent:
      "Mozilla/5.0 (Linux; Android 15; Pixel Tablet) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    label: "Chrome on Android",
  },
  desktop: {
    userAgent:
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    label: "Chrome on macOS",
  },
} as const;

const ALICE = { username: "alice", password: "wonderland" };
const BOB = { username: "bob", password: "builder" };

/** The sessions page's rows: device label and whether it is the current session. */
async function listed(page: Page) {
  const rows = page.getByTestId("session-row");
  const result: { device: string; current: boolean }[] = [];
  for (const row of await rows.all()) {
    result.push({
      device: (await row.getByTestId("session-device").textContent()) ?? "",
      current: (await row.getAttribute("data-current")) === "true",
    });
  }
  return result.sort((a, b) => a.device.localeCompare(b.device));
}

async function openSessions(page: Page, app: string) {
  const response = await page.goto(`${app}/sessions`);
  expect(response?.status()).toBe(200);
  await page.getByRole("heading", { name: "Your sessions" }).waitFor();
}

/** The next request of `page` is signed out, and its session cookies are gone. */
async function expectSignedOut(page: Page, app: string) {
  const response = await page.goto(`${app}/`);
  expect(response?.status()).toBe(200);
  await page.getByTestId("signed-out").waitFor();
  expect(await sessionCookies(page, app)).toEqual([]);
}

async function expectSignedIn(page: Page, app: string, name: string) {
  const response = await page.goto(`${app}/profile`);
  expect(response?.status()).toBe(200);
  expect(page.url()).toBe(`${app}/profile`);
  await expect(page.getByTestId("user-name").textContent()).resolves.toBe(name);
}

/**
 * "Your sessions" on a stateful store: list, sign out one device, sign out all others. Redis in
 * the suite; Prisma (PostgreSQL) and DynamoDB Local pass it too (`stores`), at 25-40 s each.
 */
export function sessionsSuite(
  browser: () => Browser,
  stores: Exclude<StoreKind, "cookie">[] = ["redis"],
) {
  describe.each(stores)("your sessions (%s store)", (store) => {
    let stack: Stack;
    let app: string;
    const pages: Page[] = [];
    const open = async (device: keyof typeof DEVICES, user = ALICE) => {
      const page = await newPage(browser(), { userAgent: DEVICES[device].userAgent });
      pages.push(page);
      await logIn(page, app, user);
      return page;
    };

    beforeAll(async () => {
      stack = await startStack({ store });
      app = stack.apps[0]?.url as string;
    });

    afterAll(async () => {
      for (const page of pages) await page.context().close();
      await stack?.close();
    });

    it("lists the user's devices with this one marked, signs one out, then all others; another user's never shows", async () => {
      const laptop = await open("laptop");
      const phone = await open("phone");
      const bob = await open("desktop", BOB);

      await openSessions(laptop, app);
      expect(await listed(laptop)).toEqual([
        { device: DEVICES.laptop.label, current: true },
        { device: DEVICES.phone.label, current: false },
      ]);
      await saveScreenshot(laptop, `sessions-${store}.png`);
      await openSessions(bob, app);
      expect(await listed(bob), "bob sees only his own session").toEqual([
        { device: DEVICES.desktop.label, current: true },
      ]);
      await bob.getByTestId("no-other-sessions").waitFor();

      // The laptop signs the phone out from a second tab; the first tab still shows the phone.
      const revokePhone = (page: Page) =>
        page
          .getByTestId("session-row")
          .filter({ hasText: DEVICES.phone.label })
          .getByTestId("revoke-session")
          .click();
      const tab = await laptop.context().newPage();
      await openSessions(tab, app);
      await revokePhone(tab);
      await expect(tab.getByTestId("sessions-notice").textContent()).resolves.toContain(
        "That device is signed out",
      );
      expect(await listed(tab)).toEqual([{ device: DEVICES.laptop.label, current: true }]);
      await tab.close();
      // The stale tab's button: that id is no live session any more (AUTH_SESSION_NOT_FOUND).
      await revokePhone(laptop);
      await expect(laptop.getByTestId("sessions-notice").textContent()).resolves.toBe(
        "That session had already ended.",
      );
      expect(await listed(laptop)).toEqual([{ device: DEVICES.laptop.label, current: true }]);

      await expectSignedOut(phone, app);
      await expectSignedIn(laptop, app, "Alice Liddell");
      await expectSignedIn(bob, app, "Bob Builder");

      // Two more devices sign in (a fresh phone context: the old one is still signed in at the
      // provider, which would skip its sign-in form); "sign out all other devices" ends both.
      const tablet = await open("tablet");
      const phoneAgain = await open("phone");
      await openSessions(laptop, app);
      expect(await listed(laptop)).toEqual([
        { device: DEVICES.tablet.label, current: false },
        { device: DEVICES.laptop.label, current: true },
        { device: DEVICES.phone.label, current: false },
      ]);
      await laptop.getByTestId("revoke-others").click();
      await expect(laptop.getByTestId("sessions-notice").textContent()).resolves.toBe(
        "Signed out 2 other devices.",
      );
      expect(await listed(laptop)).toEqual([{ device: DEVICES.laptop.label, current: true }]);
      await laptop.getByTestId("no-other-sessions").waitFor();

      await expectSignedOut(phoneAgain, app);
      await expectSignedOut(tablet, app);
      await expectSignedIn(laptop, app, "Alice Liddell");
      await expectSignedIn(bob, app, "Bob Builder");
      await openSessions(bob, app);
      expect(await listed(bob)).toEqual([{ device: DEVICES.desktop.label, current: true }]);

      // The demo's onSessionEvent audit log saw the three revocations, and never a token.
      const app0 = stack.apps[0];
      const revoked = () =>
        (app0?.output() ?? "")
          .split("\n")
          .filter((line) => line.includes("[session]") && line.includes('"reason":"revoked"'));
      await expect.poll(() => revoked().length, { timeout: 15_000 }).toBe(3);
      const log = (app0?.output() ?? "").split("\n").filter((line) => line.includes("[session]"));
      expect(log.join("\n")).not.toMatch(/token|__session/i);
    });
  });
}
