import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConformanceReport } from "../../src/index.js";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const vitestBin = join(
  dirname(createRequire(import.meta.url).resolve("vitest/package.json")),
  "vitest.mjs",
);
const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  version: string;
};

// One child Vitest runs the whole suite on a store that passes (without the extensions,
// corrupt or outage) and on one that serves expired sessions; each writes its report.
describe("testSessionStore({ report }) writes a certificate of the run", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionkit-report-"));
  const paths = { passing: join(dir, "passing.json"), failing: join(dir, "nested/failing.json") };
  const reports: Partial<Record<keyof typeof paths, ConformanceReport>> = {};
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      execFile(
        process.execPath,
        [vitestBin, "run", "--config", "test/report/vitest.config.ts", "--reporter=dot"],
        {
          cwd: packageDir,
          env: { ...process.env, REPORT_PASSING: paths.passing, REPORT_FAILING: paths.failing },
        },
        () => resolve(),
      );
    });
    for (const key of ["passing", "failing"] as const) {
      reports[key] = JSON.parse(readFileSync(paths[key], "utf8")) as ConformanceReport;
    }
  }, 180_000);

  const group = (report: ConformanceReport | undefined, name: string) => {
    const found = report?.groups.find((g) => g.group === name);
    expect(found, `the report has no "${name}" group`).toBeDefined();
    return found!;
  };

  it("names the suite and its version, the store, and says it passed", () => {
    const report = reports.passing;
    expect(report?.suite).toEqual({ name: "@sessionkit/store-conformance", version });
    expect(report?.store).toBe("memoryStore() without extensions");
    expect(report?.passed, "a store that passes every rule was not certified").toBe(true);
    expect(report?.summary.failed).toBe(0);
    expect(Number.isNaN(Date.parse(report?.finishedAt ?? ""))).toBe(false);
  });

  it("lists every rule of the groups that ran as passed", () => {
    const basics = group(reports.passing, "basics");
    expect(basics.status).toBe("passed");
    expect(basics.rules).toContainEqual({
      rule: "get() answers null for an id never written",
      status: "passed",
    });
    for (const name of ["expiry", "update", "touch", "back-channel logout", "list sessions"]) {
      expect(group(reports.passing, name).status, name).toBe("passed");
    }
  });

  it("says why each skipped group was skipped", () => {
    const replay = group(reports.passing, "logout-token replay");
    expect(replay.status).toBe("skipped");
    expect(replay.reason).toMatch(/no claimLogoutToken\(\)\): skipped by design/);
    expect(group(reports.passing, "refresh lease").reason).toMatch(/skipped by design/);
    expect(group(reports.passing, "corrupt data")).toEqual({
      group: "corrupt data",
      status: "skipped",
      reason: "no `corrupt` option",
      rules: [],
    });
    expect(group(reports.passing, "faults").reason).toBe("no `outage` option");
  });

  it("marks the rules a broken store fails, with the failure's first line, and does not certify it", () => {
    const report = reports.failing;
    expect(report?.passed, "a store that fails a rule was certified").toBe(false);
    const expiry = group(report, "expiry");
    expect(expiry.status).toBe("failed");
    const served = expiry.rules.find((r) => r.rule.startsWith("is never served past expiresAt"));
    expect(served?.status).toBe("failed");
    expect(served?.reason).toMatch(/served past its expiresAt/);
    expect(group(report, "basics").status).toBe("passed");
  });
});
