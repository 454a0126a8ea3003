import { defineSessionkitProject } from "../../vitest.shared.ts";

// One npm install and one next build of a fresh app, then two `next start`s (cookies, Redis).
export default defineSessionkitProject("@sessionkit/getting-started-tests", {
  test: {
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
