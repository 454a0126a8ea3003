import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);

const memoryStoreFile = "packages/auth/src/store/memory-store.ts";

/**
 * memory-store.ts without `resolveSweepInterval`: parsing memoryStore's own option is not part
 * of the store contract, so the suite cannot check it (packages/auth's tests do). Found by
 * name, so the ranges follow edits to the file.
 */
function memoryStoreRanges() {
  const lines = readFileSync(new URL(`../../../${memoryStoreFile}`, import.meta.url), "utf8").split(
    "\n",
  );
  const start = lines.findIndex((line) => line.startsWith("function resolveSweepInterval("));
  const end = lines.findIndex((line, i) => i > start && line === "}");
  if (start < 0 || end < 0) return [memoryStoreFile];
  return [`${memoryStoreFile}:1-${start}`, `${memoryStoreFile}:${end + 2}-${lines.length}`];
}

/**
 * StrykerJS mutates the two reference stores and runs only the conformance suite
 * against each mutant (mutation/vitest.config.ts). Paths are relative to the repository
 * root, where `pnpm mutation` runs it (mutation/run.mjs).
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  mutate: [...memoryStoreRanges(), "packages/store-conformance/test/self-test/map-store.ts"],
  testRunner: "vitest",
  plugins: [require.resolve("@stryker-mutator/vitest-runner")],
  vitest: {
    configFile: "packages/store-conformance/mutation/vitest.config.ts",
    // The suite reaches the stores through a factory, not an import of the mutated file.
    related: false,
  },
  // "perTest" attributes coverage by the test running at the time, which is wrong when tests
  // run side by side (mutation/vitest.config.ts): every mutant runs the whole suite instead,
  // which bails at the first failure.
  coverageAnalysis: "all",
  concurrency: 2,
  incremental: false,
  // Generous: the suite waits out real one-to-three-second lifetimes.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  // Outside the checkout: the sandbox never shows up in anyone's `git status`.
  tempDirName: join(tmpdir(), "sessionkit-mutation"),
  cleanTempDir: "always",
  // The sandbox needs the two packages and the shared Vitest setup, nothing else.
  ignorePatterns: [
    "/examples",
    "/bench",
    "/docs",
    "/docker",
    "/tests",
    "/test-artifacts",
    "/scripts",
    "/packages/store-redis",
    "/packages/store-prisma",
    "/packages/store-dynamodb",
    "/packages/*/dist",
    "/packages/*/api",
    "/packages/store-conformance/test/backends",
  ],
  reporters: ["clear-text", "progress", "json"],
  // Every mutant and its fate, for keeping MUTANTS.md up to date.
  jsonReporter: { fileName: join(tmpdir(), "sessionkit-mutation-report.json") },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 95, low: 90, break: null },
};
