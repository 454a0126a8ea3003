import { defineSessionkitProject } from "../../vitest.shared.ts";

export default defineSessionkitProject("@sessionkit/example-nextjs-app", {
  test: {
    include: ["e2e/**/*.test.ts"],
    globalSetup: ["e2e/support/global-setup.ts"],
    // One browser and a few `next start` servers at a time on a small machine.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
