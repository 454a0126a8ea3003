import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConformanceReport } from "../../src/index.js";
import { docFiles } from "./doc-files.js";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const packages = {
  "@sessionkit/auth": join(repo, "packages/auth"),
  "@sessionkit/store-conformance": join(repo, "packages/store-conformance"),
};
const versionOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}
const run = (command: string, args: string[], cwd: string, timeout: number) =>
  new Promise<Outcome>((resolve) => {
    execFile(
      command,
      args,
      { cwd, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: "true" } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0,
          stdout,
          stderr,
        }),
    );
  });
const tail = (outcome: Outcome) => `${outcome.stdout}\n${outcome.stderr}`.trim().slice(-3000);

interface JsonReport {
  testResults: {
    name: string;
    status: string;
    assertionResults: { status: string; fullName: string; failureMessages: string[] }[];
  }[];
}

// What a third party does: pack the packages, install the tarballs with npm into a project
// outside the workspace, write the stores and test files docs/writing-a-store.md shows, and
// run the suite on them with npx vitest. Needs the packages built (scripts/test.sh builds first).
describe("the packed packages, installed with npm, pass the suite on the documented stores", () => {
  const work = mkdtempSync(join(tmpdir(), "sessionkit-packed-"));
  const project = join(work, "project");
  const files = docFiles(readFileSync(join(repo, "docs/writing-a-store.md"), "utf8"));
  let results: JsonReport["testResults"] = [];
  let vitestRun: Outcome | undefined;
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(async () => {
    const tarballs: Record<string, string> = {};
    await Promise.all(
      Object.entries(packages).map(async ([name, dir]) => {
        if (!existsSync(join(dir, "dist/index.js"))) {
          throw new Error(`${name} is not built: run \`pnpm build\` first (scripts/test.sh does)`);
        }
        const packed = await run("pnpm", ["pack", "--pack-destination", work], dir, 120_000);
        if (packed.code !== 0) throw new Error(`pnpm pack of ${name} failed:\n${tail(packed)}`);
        const file = packed.stdout.trim().split("\n").at(-1)!;
        tarballs[name] = `file:${file.startsWith("/") ? file : join(work, file)}`;
      }),
    );
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "third-party-store",
        private: true,
        type: "module",
        devDependencies: {
          ...tarballs,
          pg: versionOf(join(packages["@sessionkit/store-conformance"], "node_modules/pg")),
          vitest: versionOf(join(repo, "node_modules/vitest")),
        },
      }),
    );
    const install = await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      project,
      240_000,
    );
    if (install.code !== 0) throw new Error(`npm install failed:\n${tail(install)}`);
    for (const [path, code] of files) {
      mkdirSync(dirname(join(project, path)), { recursive: true });
      writeFileSync(join(project, path), code);
    }
    vitestRun = await run(
      "npx",
      ["vitest", "run", "--reporter=json", "--outputFile=vitest-report.json"],
      project,
      240_000,
    );
    const report = join(project, "vitest-report.json");
    if (!existsSync(report)) throw new Error(`npx vitest run wrote no report:\n${tail(vitestRun)}`);
    results = (JSON.parse(readFileSync(report, "utf8")) as JsonReport).testResults;
  }, 400_000);

  it("the docs show both stores and a test file for each", () => {
    expect([...files.keys()].sort(), "code blocks of docs/writing-a-store.md").toEqual([
      "src/map-store.ts",
      "src/pg-store.ts",
      "test/map-store.test.ts",
      "test/pg-store.test.ts",
    ]);
  });

  it.each(["test/map-store.test.ts", "test/pg-store.test.ts"])("%s passes the suite", (file) => {
    const result = results.find((r) => r.name.endsWith(file));
    expect(result, `${file} did not run:\n${vitestRun && tail(vitestRun)}`).toBeDefined();
    const failed = result!.assertionResults.filter((a) => a.status === "failed");
    expect(
      failed.map((a) => `${a.fullName}: ${a.failureMessages[0]?.split("\n")[0]}`),
      `the documented store fails the suite from the packed packages`,
    ).toEqual([]);
    expect(
      result!.assertionResults.filter((a) => a.status === "passed").length,
      "too few tests ran",
    ).toBeGreaterThan(60);
    expect(result!.status).toBe("passed");
  });

  it("the run exits 0 (no uncaught error, such as a pool's unhandled 'error' event)", () => {
    expect(vitestRun?.code, tail(vitestRun!)).toBe(0);
  });

  it("stack traces point at shipped files: every source of the suite's source map is in the package", () => {
    const installed = join(project, "node_modules/@sessionkit/store-conformance");
    const map = JSON.parse(readFileSync(join(installed, "dist/index.js.map"), "utf8")) as {
      sources: string[];
    };
    const missing = map.sources.filter((source) => !existsSync(join(installed, "dist", source)));
    expect(map.sources.length).toBeGreaterThan(10);
    expect(missing, "sources the map names but the package does not ship (no code frame)").toEqual(
      [],
    );
  });

  it("the pg store's certificate says it passes, with the corrupt-data and fault groups", () => {
    const report = JSON.parse(
      readFileSync(join(project, "conformance-report.json"), "utf8"),
    ) as ConformanceReport;
    expect(report.store).toBe("pgStore");
    expect(report.passed, JSON.stringify(report.summary)).toBe(true);
    const ran = report.groups.filter((g) => g.status === "passed").map((g) => g.group);
    expect(ran).toContain("corrupt data");
    expect(ran).toContain("logout-token replay");
  });
});
