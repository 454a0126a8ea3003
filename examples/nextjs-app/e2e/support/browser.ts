import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";

/** Where screenshots go (gitignored). */
export const ARTIFACTS = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../../test-artifacts",
);

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Headless Debian Chromium; each `newContext()` is a fresh profile with no cookies. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A page in a fresh context whose every wait and navigation gives up after 15 s. */
export async function newPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  return context.newPage();
}

/** The app's session cookies (`__session`, `__session.0`…) the browser holds for `url`. */
export async function sessionCookies(page: Page, url: string) {
  const cookies = await page.context().cookies(url);
  return cookies.filter(
    (cookie) => cookie.name === "__session" || cookie.name.startsWith("__session."),
  );
}

/**
 * Logs in through the app and the provider's own pages: /auth/login, the sign-in
 * form, the consent form, back to `returnTo` on the app.
 */
export async function logIn(
  page: Page,
  appUrl: string,
  user = { username: "alice", password: "wonderland" },
) {
  await page.goto(`${appUrl}/auth/login?returnTo=/profile`);
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const allow = page.getByRole("button", { name: "Allow" });
  const profile = `${appUrl}/profile`;
  // Consent is asked the first time only: wait for whichever comes, the form or the app.
  const consent = allow.waitFor().then(
    () => true,
    () => false,
  );
  const arrived = page.waitForURL(profile).then(
    () => false,
    () => false,
  );
  if (await Promise.race([consent, arrived])) await allow.click();
  await page.waitForURL(profile);
}

export async function saveScreenshot(page: Page, name: string) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}
