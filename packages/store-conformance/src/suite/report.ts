import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

/** One rule of the suite (one test) and how the store did on it. */
export interface ConformanceRuleResult {
  /** The test's title: the rule it checks. */
  rule: string;
  /** `skipped`: not run, by design (an extension the store lacks) or by a filter. */
  status: "passed" | "failed" | "skipped";
  /** Why it was skipped (e.g. `… skipped by design`), or the first line of why it failed. */
  reason?: string;
}

/** One group of the suite, run or skipped. */
export interface ConformanceGroupResult {
  /** The group's name, as in its describe title (`basics`, `expiry`, `corrupt data`…). */
  group: string;
  /** `failed` when any rule failed; `skipped` when no rule ran. */
  status: "passed" | "failed" | "skipped";
  /** Why the group was skipped, when it was. */
  reason?: string;
  /** Every rule (test) of the group, in the suite's order. */
  rules: ConformanceRuleResult[];
}

/** The certificate `testSessionStore({ report })` writes: which rules a store passes. */
export interface ConformanceReport {
  /** The suite that ran: `@sessionkit/store-conformance` and its version. */
  suite: { name: string; version: string };
  /** The `name` option. */
  store: string;
  /** When the run finished, ISO 8601. */
  finishedAt: string;
  /** Every group ran or was skipped with a reason, and no rule failed. */
  passed: boolean;
  /** How many rules passed, failed and were skipped. */
  summary: { passed: number; failed: number; skipped: number };
  /** Every group, run or skipped (with why). */
  groups: ConformanceGroupResult[];
}

/** The suite's own package.json, found from this file in `src/suite/` and in `dist/` alike. */
function suitePackage(): { name: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(resolve(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "@sessionkit/store-conformance") {
        return { name: pkg.name, version: pkg.version ?? "unknown" };
      }
    } catch {
      // Not here: one level up.
    }
    dir = dirname(dir);
  }
  return { name: "@sessionkit/store-conformance", version: "unknown" };
}

/** The parts of Vitest's task tree the report reads. */
interface TaskLike {
  type: string;
  name: string;
  mode?: string;
  tasks?: TaskLike[];
  result?: { state?: string; note?: string; errors?: { message?: string }[] };
}

const ruleStatus = (task: TaskLike): ConformanceRuleResult => {
  const state = task.result?.state;
  if (state === "pass") return { rule: task.name, status: "passed" };
  if (state === "fail") {
    const message = task.result?.errors?.[0]?.message?.split("\n")[0];
    return { rule: task.name, status: "failed", ...(message ? { reason: message } : {}) };
  }
  const note = task.result?.note;
  return { rule: task.name, status: "skipped", reason: note ?? "not run (filtered out)" };
};

const allTests = (task: TaskLike): TaskLike[] =>
  task.type === "test" ? [task] : (task.tasks ?? []).flatMap(allTests);

/**
 * Builds the report from the test file's task tree: every describe titled `<name>: <group>` is a
 * group; `notDeclared` lists the groups left out by the options, with why.
 */
export function buildReport(
  file: TaskLike,
  name: string,
  notDeclared: { group: string; reason: string }[],
): ConformanceReport {
  const groups: ConformanceGroupResult[] = [];
  for (const suite of file.tasks ?? []) {
    if (suite.type !== "suite" || !suite.name.startsWith(`${name}: `)) continue;
    const rules = allTests(suite).map(ruleStatus);
    const failed = rules.some((rule) => rule.status === "failed");
    const ran = rules.some((rule) => rule.status === "passed");
    const reasons = [...new Set(rules.map((rule) => rule.reason).filter(Boolean))];
    groups.push({
      group: suite.name.slice(name.length + 2),
      status: failed ? "failed" : ran ? "passed" : "skipped",
      ...(!failed && !ran && reasons.length > 0 ? { reason: reasons.join("; ") } : {}),
      rules,
    });
  }
  for (const { group, reason } of notDeclared) {
    groups.push({ group, status: "skipped", reason, rules: [] });
  }
  const rules = groups.flatMap((group) => group.rules);
  const count = (status: ConformanceRuleResult["status"]) =>
    rules.filter((rule) => rule.status === status).length;
  const summary = { passed: count("passed"), failed: count("failed"), skipped: count("skipped") };
  return {
    suite: suitePackage(),
    store: name,
    finishedAt: new Date().toISOString(),
    passed: summary.failed === 0 && summary.passed > 0,
    summary,
    groups,
  };
}

/**
 * Writes the report to `path` (relative to the working directory) once every test of the file
 * has run. Called by `testSessionStore` when it has the `report` option.
 */
export function declareReport(
  path: string,
  name: string,
  notDeclared: { group: string; reason: string }[],
): void {
  // Vitest 4 calls the hook with (context, suite), Vitest 3 with (suite); a declared first
  // parameter that is not destructured is refused by Vitest 4's fixture parser.
  afterAll(function writeConformanceReport() {
    // biome-ignore lint/complexity/noArguments: the one way to read both Vitest signatures
    const suite = (arguments.length > 1 ? arguments[1] : arguments[0]) as TaskLike;
    const report = buildReport(suite, name, notDeclared);
    const target = resolve(path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${JSON.stringify(report, null, 2)}\n`);
  });
}
