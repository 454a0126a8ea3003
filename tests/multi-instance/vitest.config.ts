import { defineSessionkitProject } from "../../vitest.shared.ts";

// Each file starts its own backend, two app processes and a provider: one file at a time keeps
// a busy 2-core machine from running six app processes at once.
export default defineSessionkitProject("@sessionkit/multi-instance-tests", {
  test: {
    globalSetup: ["./support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
