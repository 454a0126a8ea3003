// Prints what CI's tail must show: the failing tests and unhandled errors by name, then the one
// closing line CI reads: "N passed, N failed[, N skipped][, N unhandled errors]".
//
//   node scripts/summarize-tests.mjs [.vitest-results.json] [.vitest-unhandled.json]
//
// The first file is Vitest's JSON reporter output; the second is written by
// scripts/unhandled-errors-reporter.mjs (the JSON reporter leaves unhandled errors out).
import { readFileSync } from "node:fs";
import { relative } from "node:path";

const resultsFile = process.argv[2] ?? ".vitest-results.json";
const unhandledFile = process.argv[3] ?? ".vitest-unhandled.json";

function read(file, what) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`no ${what} at ${file}: ${error.message}`);
    return undefined;
  }
}

const report = read(resultsFile, "test report");
if (!report) {
  console.log(`0 passed, 1 failed`);
  process.exit(1);
}
// A missing unhandled-error report means the run did not finish: count it as one.
const unhandled = read(unhandledFile, "unhandled-error report")?.unhandledErrors ?? [
  { name: "Error", message: `no unhandled-error report at ${unhandledFile}` },
];

const failedTests = [];
let brokenFiles = 0;
for (const file of report.testResults) {
  const path = relative(process.cwd(), file.name);
  // A test file that fails to load (or whose hooks fail) reports no failed test; count it.
  const failed = file.assertionResults.filter((test) => test.status === "failed");
  if (file.status === "failed" && failed.length === 0) {
    brokenFiles++;
    failedTests.push(`${path}: ${file.message.split("\n")[0] || "the file failed"}`);
  }
  for (const test of failed) {
    failedTests.push([path, ...test.ancestorTitles, test.title].join(" > "));
  }
}

if (failedTests.length > 0) {
  console.log(`\nFailed tests (${failedTests.length}):`);
  for (const name of failedTests) console.log(`  ✗ ${name}`);
}
if (unhandled.length > 0) {
  console.log(`\nUnhandled errors (${unhandled.length}):`);
  for (const error of unhandled) {
    const origin = [error.file, error.test && `test "${error.test}"`].filter(Boolean).join(", ");
    const message = error.message.split("\n")[0];
    console.log(`  ! ${error.name}: ${message}${origin ? ` (while running ${origin})` : ""}`);
  }
}

const failed = report.numFailedTests + brokenFiles;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `${report.numPassedTests} passed, ${failed} failed` +
    (skipped ? `, ${skipped} skipped` : "") +
    (unhandled.length
      ? `, ${unhandled.length} unhandled error${unhandled.length === 1 ? "" : "s"}`
      : ""),
);
process.exit(failed > 0 || unhandled.length > 0 ? 1 : 0);
