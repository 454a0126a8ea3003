import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../../../vitest.shared.ts";

/** The child run of report.test.ts: the whole suite on two stores, each writing its report. */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  resolve: { alias: sourceAliases },
  test: {
    include: ["test/report/*.fixture.ts"],
    testTimeout: 30_000,
    maxConcurrency: 20,
  },
});
