import { existsSync } from "node:fs";
import { buildIfStale } from "../../scripts/build-if-stale.mjs";
import { CHROMIUM } from "./browser.js";

/** One production build for every instance the tests start; rebuilt only when stale. */
export default async function setup() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the e2e tests drive Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  await buildIfStale({ timeoutMs: 600_000 });
}
