import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { badCookieSuite } from "./bad-cookies.suite.js";
import { loginSuite } from "./login.suite.js";
import { outageSuite } from "./outage.suite.js";
import { sessionsSuite } from "./sessions.suite.js";
import { sharedStoreSuite } from "./shared-store.suite.js";
import { launchBrowser } from "./support/browser.js";

// One file, so the suites run one after another (one Chromium, a few `next start`
// servers at a time) however Vitest schedules the workspace's other projects.

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const getBrowser = () => {
  if (!browser) throw new Error("Chromium did not start");
  return browser;
};

badCookieSuite(getBrowser);
loginSuite(getBrowser);
sharedStoreSuite(getBrowser);
sessionsSuite(getBrowser);
outageSuite(getBrowser);
