// Prints how many tests ran in containers, per package, from Vitest's JSON report
// (scripts/test.sh calls it after the closing summary line's source is written).
import { readFileSync } from "node:fs";

const [file = ".vitest-results.json", prepSeconds = "0"] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, "utf8"));
const inContainers = (path, test) =>
  /\/(containers|compose)\.test\.ts$/.test(path) ||
  test.ancestorTitles.some((title) => title.endsWith("(testcontainers)"));

const perPackage = new Map();
let ran = 0;
let failed = 0;
let fileSeconds = 0;
for (const result of report.testResults) {
  const tests = result.assertionResults.filter((test) => inContainers(result.name, test));
  if (!tests.length) continue;
  if (/\/(containers|compose)\.test\.ts$/.test(result.name)) {
    fileSeconds += (result.endTime - result.startTime) / 1000;
  }
  const name = /packages\/([^/]+)\//.exec(result.name)?.[1] ?? result.name;
  const done = tests.filter((test) => test.status === "passed" || test.status === "failed");
  perPackage.set(name, (perPackage.get(name) ?? 0) + done.length);
  ran += done.length;
  failed += tests.filter((test) => test.status === "failed").length;
}
const parts = [...perPackage].map(([name, count]) => `${name} ${count}`).join(", ");
console.log(
  `› containers: ${ran} tests ran in containers (${parts || "none"}), ${failed} failed; ` +
    `Docker and images took ${prepSeconds} s, the container test files ${Math.round(fileSeconds)} s (beside the others)`,
);
