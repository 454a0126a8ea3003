import { defineSessionkitProject } from "../../vitest.shared.ts";

export default defineSessionkitProject("@sessionkit/example-nextjs-app", {
  test: {
    include: ["e2e/**/*.test.ts"],
    globalSetup: ["e2e/support/global-setup.ts"],
    // The suites share one file (e2e/browser.test.ts) and run in sequence: one Chromium, a few `next start`s.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
