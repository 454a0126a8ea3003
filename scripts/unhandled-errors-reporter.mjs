// A Vitest reporter that keeps what the JSON reporter leaves out: the run's unhandled errors
// (uncaught exceptions, unhandled rejections, a leaked client's error event), each with the
// test file and the test that was running when it surfaced; and the reason each skipped test
// gave (skip(note)), or none. scripts/summarize-tests.mjs and
// scripts/test-stress.mjs read the file it writes.
//
//   vitest run --reporter=default --reporter=./scripts/unhandled-errors-reporter.mjs
//
// The file is SESSIONKIT_UNHANDLED_REPORT, or .vitest-unhandled.json in the working directory.
import { writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";

export default class UnhandledErrorsReporter {
  onInit(vitest) {
    this.root = vitest.config.root;
  }

  onTestRunEnd(testModules, unhandledErrors) {
    const file = resolve(process.env.SESSIONKIT_UNHANDLED_REPORT ?? ".vitest-unhandled.json");
    const errors = unhandledErrors.map((error) => ({
      type: error.type ?? "Unhandled Error",
      name: error.name ?? "Error",
      message: String(error.message ?? error),
      file: error.VITEST_TEST_PATH ? relative(this.root, error.VITEST_TEST_PATH) : undefined,
      test: error.VITEST_TEST_NAME,
    }));
    // Skipped tests with the reason given to skip(note), which the JSON reporter leaves out too.
    const skipped = [];
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const result = test.result();
        if (result.state !== "skipped") continue;
        skipped.push({
          file: relative(this.root, testModule.moduleId),
          // Suite and test names joined by " > ".
          test: test.fullName,
          note: result.note,
        });
      }
    }
    writeFileSync(file, `${JSON.stringify({ unhandledErrors: errors, skipped }, null, 2)}\n`);
  }
}
