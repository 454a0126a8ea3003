import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../../../vitest.shared.ts";

/** The child run of broken-stores.test.ts: the suite against every broken store. */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  resolve: { alias: sourceAliases },
  test: {
    include: ["test/self-test/broken-suite.fixture.ts"],
    testTimeout: 30_000,
    // The groups that wait out real lifetimes run their tests side by side: let them all.
    maxConcurrency: 20,
    // One file: stop nothing early, every broken store must get its run.
    bail: 0,
  },
});
