// The flake hunt (issue 18): runs the tests N times in a row while a CPU burner keeps every core
// busy, then prints one table of every test that failed or was skipped in any run, and every
// unhandled error, with the first message seen.
//
//   pnpm test:stress [--runs 5] [--burners <cores>] [vitest args, e.g. --project @sessionkit/store-redis]
//
// The burner is stress-ng (Debian: apt-get install stress-ng) when it is on PATH, otherwise as
// many busy Node processes; nothing is installed here. Each run's Vitest output, JSON report and
// unhandled-error report are kept in a temporary folder named at the start. Exit code 1 when any
// run had a failure or an unhandled error, or Vitest itself failed.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const unhandledReporter = fileURLToPath(
  new URL("./unhandled-errors-reporter.mjs", import.meta.url),
);

// Our options, then everything else for Vitest (a bare `--` is dropped).
let runs = 5;
let burners = availableParallelism();
const vitestArgs = [];
const args = process.argv.slice(2).filter((arg) => arg !== "--");
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].split(/=(.*)/s);
  if (flag === "--runs" || flag === "--burners") {
    const value = Number(inline ?? args[++i]);
    if (!Number.isInteger(value) || value < (flag === "--runs" ? 1 : 0)) {
      console.error(`${flag} takes a whole number, got ${inline ?? args[i]}`);
      process.exit(2);
    }
    if (flag === "--runs") runs = value;
    else burners = value;
  } else {
    vitestArgs.push(args[i]);
  }
}

// With a name filter, tests it leaves out are reported by Vitest as skipped: say so in the table.
const nameFilter = vitestArgs.some((arg) => /^(-t|--testNamePattern)(=|$)/.test(arg));
const unexplainedSkip = nameFilter
  ? "skipped, no note given to skip() (or left out by -t)"
  : "skipped, no note given to skip()";

const out = mkdtempSync(join(tmpdir(), "sessionkit-stress-"));

// --- the CPU burner ------------------------------------------------------------------------------
const burnerProcesses = [];
function startBurner() {
  if (burners === 0) return "none";
  const hasStressNg = spawnSync("stress-ng", ["--version"], { stdio: "ignore" }).status === 0;
  if (hasStressNg) {
    burnerProcesses.push(
      spawn("stress-ng", ["--cpu", String(burners), "--timeout", "0", "--quiet"], {
        stdio: "ignore",
        detached: true,
      }),
    );
    return `stress-ng --cpu ${burners}`;
  }
  for (let i = 0; i < burners; i++) {
    burnerProcesses.push(
      spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore", detached: true }),
    );
  }
  return `${burners} busy node processes (stress-ng not found)`;
}
function stopBurner() {
  for (const child of burnerProcesses.splice(0)) {
    try {
      process.kill(-child.pid, "SIGTERM"); // its process group: stress-ng's workers too
    } catch {
      // Already gone.
    }
  }
}
process.on("exit", stopBurner);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopBurner();
    process.exit(130);
  });
}

// --- one run -------------------------------------------------------------------------------------
function runOnce(run) {
  const json = join(out, `run-${run}.json`);
  const unhandled = join(out, `run-${run}-unhandled.json`);
  const log = join(out, `run-${run}.log`);
  const argv = [
    "exec",
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${json}`,
    `--reporter=${unhandledReporter}`,
    // Like scripts/test.sh: the container cases run only where it turned them on.
    ...(process.env.SESSIONKIT_CONTAINER_TESTS === "1"
      ? []
      : ["--exclude", "**/containers.test.ts", "--exclude", "**/compose.test.ts"]),
    ...vitestArgs,
  ];
  return new Promise((resolve) => {
    const started = Date.now();
    const logStream = createWriteStream(log);
    const child = spawn("pnpm", argv, {
      cwd: root,
      env: { ...process.env, SESSIONKIT_UNHANDLED_REPORT: unhandled, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.pipe(logStream, { end: false });
    child.stderr.pipe(logStream, { end: false });
    child.on("close", (code, signal) => {
      logStream.end();
      resolve({
        run,
        code: code ?? signal,
        json,
        unhandled,
        log,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

// --- the table -----------------------------------------------------------------------------------
/** key -> { failed, skipped, unhandled, message } */
const rows = new Map();
function note(key, kind, message) {
  const row = rows.get(key) ?? { failed: 0, skipped: 0, unhandled: 0, message: "" };
  row[kind]++;
  if (!row.message && message) row.message = message.split("\n").find((line) => line.trim()) ?? "";
  rows.set(key, row);
}

function collect(result) {
  const report = readJson(result.json);
  const extra = readJson(result.unhandled);
  const unhandled = extra?.unhandledErrors;
  const skipNotes = new Map(
    (extra?.skipped ?? []).map(({ file, test, note }) => [`${file} > ${test}`, note]),
  );
  const counts = { passed: 0, failed: 0, skipped: 0, unhandled: unhandled?.length ?? 0 };
  if (!report) {
    note(
      `(run ${result.run}: no JSON report, vitest exit ${result.code})`,
      "failed",
      `see ${result.log}`,
    );
    counts.failed++;
    return counts;
  }
  for (const file of report.testResults) {
    const path = relative(root, file.name);
    const failedTests = file.assertionResults.filter((test) => test.status === "failed");
    if (file.status === "failed" && failedTests.length === 0) {
      note(`${path} (the file)`, "failed", file.message);
      counts.failed++;
    }
    for (const test of file.assertionResults) {
      const key = [path, ...test.ancestorTitles, test.title].join(" > ");
      if (test.status === "failed") {
        note(key, "failed", test.failureMessages[0]);
        counts.failed++;
      } else if (test.status === "pending" || test.status === "skipped" || test.status === "todo") {
        const reason = skipNotes.get(key);
        note(key, "skipped", reason ? `skipped: ${reason}` : unexplainedSkip);
        counts.skipped++;
      } else if (test.status === "passed") {
        counts.passed++;
      }
    }
  }
  for (const error of unhandled ?? []) {
    const origin = [error.file, error.test && `"${error.test}"`].filter(Boolean).join(" > ");
    note(`unhandled ${error.name} during ${origin || "the run"}`, "unhandled", error.message);
  }
  if (!unhandled) {
    note(`(run ${result.run}: no unhandled-error report)`, "unhandled", `see ${result.log}`);
    counts.unhandled++;
  }
  // ioredis's own log line, should a client escape scripts/vitest-leak-guard.mjs.
  const ioredisLines = readFileSync(result.log, "utf8").match(
    /\[ioredis\] Unhandled error event.*/g,
  );
  for (const line of ioredisLines ?? [])
    note("ioredis log: unhandled error event", "unhandled", line);
  if (result.code !== 0 && counts.failed === 0 && counts.unhandled === 0) {
    note(`(run ${result.run}: vitest exit ${result.code})`, "failed", `see ${result.log}`);
    counts.failed++;
  }
  return counts;
}

function printTable() {
  const header = ["test", "failed", "skipped", "unhandled", "first message"];
  const body = [...rows.entries()]
    .sort(
      ([a, x], [b, y]) => y.failed + y.unhandled - (x.failed + x.unhandled) || a.localeCompare(b),
    )
    .map(([key, row]) => [
      key,
      `${row.failed}/${runs}`,
      `${row.skipped}/${runs}`,
      String(row.unhandled),
      row.message.trim().slice(0, 160),
    ]);
  if (body.length === 0) {
    console.log(`\nNo test failed or was skipped in ${runs} runs, and no unhandled errors.`);
    return;
  }
  const widths = header.map((_, column) =>
    Math.min(
      column === 0 ? 110 : 200,
      Math.max(...[header, ...body].map((line) => line[column].length)),
    ),
  );
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  console.log(`\n${line(header)}`);
  console.log(`| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`);
  for (const cells of body) console.log(line(cells));
}

// --- main ----------------------------------------------------------------------------------------
const burner = startBurner();
console.log(
  `› ${runs} runs of vitest ${vitestArgs.join(" ") || "(all projects)"}; burner: ${burner}`,
);
console.log(`› output in ${out}`);
let bad = false;
for (let run = 1; run <= runs; run++) {
  const result = await runOnce(run);
  const counts = collect(result);
  if (counts.failed || counts.unhandled || result.code !== 0) bad = true;
  console.log(
    `  run ${run}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped, ` +
      `${counts.unhandled} unhandled (exit ${result.code}, ${result.seconds.toFixed(0)} s)`,
  );
}
stopBurner();
printTable();
process.exit(bad ? 1 : 0);
