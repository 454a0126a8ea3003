import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../../vitest.shared.ts";

/**
 * The tests `pnpm mutation` runs against each mutant: the conformance suite on the two
 * reference stores, and nothing else, so a surviving mutant is a rule the suite does not check.
 */
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  resolve: { alias: sourceAliases },
  test: {
    include: process.env.SESSIONKIT_MUTATION_TESTS
      ? [process.env.SESSIONKIT_MUTATION_TESTS]
      : ["test/self-test/memory-store.test.ts", "test/self-test/map-store.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every test side by side, groups too: the suite's tests each use their own fresh store,
    // and the ones that wait out real lifetimes are most of a run's time (halves it).
    sequence: { concurrent: true },
    maxConcurrency: 20,
  },
});
