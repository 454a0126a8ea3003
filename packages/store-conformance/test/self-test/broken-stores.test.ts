import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { brokenStores, groupNames } from "./broken-stores.js";

interface JsonReport {
  testResults: {
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const vitestBin = join(
  dirname(createRequire(import.meta.url).resolve("vitest/package.json")),
  "vitest.mjs",
);

// The suite must pass on the reference stores (memory-store.test.ts, map-store.test.ts)
// and fail on each of these, in the group meant to catch the bug. One child Vitest
// runs them all (about 10 s), so this file costs little CI time.
describe("the suite fails every broken store", () => {
  let results: JsonReport["testResults"][number]["assertionResults"] = [];
  let exitCode: number | null = null;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionkit-broken-"));
    const outputFile = join(dir, "report.json");
    try {
      exitCode = await new Promise<number | null>((resolve) => {
        execFile(
          process.execPath,
          [
            vitestBin,
            "run",
            "--config",
            "test/self-test/vitest.broken.config.ts",
            "--reporter=json",
            `--outputFile=${outputFile}`,
          ],
          { cwd: packageDir, env: { ...process.env, SESSIONKIT_BROKEN_STORE: "" } },
          (error) => resolve(error ? ((error as { code?: number }).code ?? 1) : 0),
        );
      });
      const report = JSON.parse(readFileSync(outputFile, "utf8")) as JsonReport;
      results = report.testResults.flatMap((file) => file.assertionResults);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("the child run failed as a whole", () => {
    expect(exitCode, "the suite passed every broken store").not.toBe(0);
    expect(brokenStores.length).toBeGreaterThanOrEqual(10);
  });

  it("every group has a broken store to catch", () => {
    const covered = new Set(brokenStores.map((broken) => broken.group));
    expect(
      groupNames.filter((group) => !covered.has(group)),
      "groups no broken store proves able to fail",
    ).toEqual([]);
  });

  it.each(brokenStores.map((broken) => [broken.key, broken] as const))(
    "%s fails its group",
    (_key, broken) => {
      const title = `broken ${broken.key}: ${broken.group}`;
      const ran = results.filter((result) => result.ancestorTitles[0] === title);
      expect(ran.length, `no tests ran under "${title}"`).toBeGreaterThan(0);
      const failed = ran.filter((result) => result.status === "failed").map((r) => r.title);
      expect(failed, `the ${broken.group} group passed a store that ${broken.bug}`).not.toEqual([]);
      expect(
        failed.filter((title) => title.includes(broken.caughtBy)),
        `"${broken.caughtBy}…" passed a store that ${broken.bug} (failed instead: ${failed.join("; ")})`,
      ).not.toEqual([]);
    },
  );
});
