// `pnpm mutation [memory|map]`: StrykerJS over the reference stores with the conformance suite as the
// only tests, then one line per file with its score and one per surviving mutant.
import { readFileSync } from "node:fs";
import { basename, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Stryker } from "@stryker-mutator/core";
import config from "./stryker.config.mjs";

const root = fileURLToPath(new URL("../../..", import.meta.url));
process.chdir(root);

// One Stryker run per store, each with only that store's suite run as its tests (every mutant
// runs all of them): `pnpm mutation memory` or `pnpm mutation map` runs one.
const targets = [
  { name: "memory", tests: "test/self-test/memory-store.test.ts" },
  { name: "map", tests: "test/self-test/map-store.test.ts" },
].filter((target) => !process.argv[2] || target.name === process.argv[2]);
if (targets.length === 0) throw new Error(`no store "${process.argv[2]}": try memory or map`);

const started = Date.now();
const results = [];
for (const target of targets) {
  // Read by mutation/vitest.config.ts, in Stryker's worker processes too.
  process.env.SESSIONKIT_MUTATION_TESTS = target.tests;
  const mutate = config.mutate.filter((file) => file.includes(`${target.name}-store`));
  results.push(...(await new Stryker({ ...config, mutate }).runMutationTest()));
}

/** Mutants shown to be equivalent (MUTANTS.md says why), matched by their line's text. */
const equivalents = JSON.parse(
  readFileSync(new URL("equivalent-mutants.json", import.meta.url), "utf8"),
);
const lineOf = (file, line) => readFileSync(file, "utf8").split("\n")[line - 1]?.trim() ?? "";
const equivalentOf = (mutant) =>
  equivalents.find(
    (e) =>
      e.file === basename(mutant.fileName) &&
      e.mutator === mutant.mutatorName &&
      e.replacement === (mutant.replacement ?? "").trim() &&
      e.line === lineOf(mutant.fileName, mutant.location.start.line),
  );

const detected = new Set(["Killed", "Timeout"]);
const counted = new Set(["Killed", "Timeout", "Survived", "NoCoverage"]);
const byFile = new Map();
for (const result of results) {
  const file = relative(root, result.fileName);
  const entry = byFile.get(file) ?? {
    detected: 0,
    valid: 0,
    equivalent: 0,
    ignored: 0,
    unexplained: [],
  };
  if (detected.has(result.status)) entry.detected++;
  if (counted.has(result.status)) entry.valid++;
  if (result.status === "Ignored") entry.ignored++;
  if (result.status === "Survived" || result.status === "NoCoverage") {
    if (equivalentOf(result)) entry.equivalent++;
    else entry.unexplained.push(result);
  }
  byFile.set(file, entry);
}

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const percent = (part, whole) => (whole === 0 ? 100 : (100 * part) / whole).toFixed(2);
console.log(`\nmutation score, ${minutes} min (killed or timed out / valid mutants):`);
let failed = false;
for (const [file, entry] of byFile) {
  const { detected: d, valid: v, equivalent: e, ignored: i } = entry;
  console.log(
    `  ${percent(d, v)}%  ${d}/${v}  ${file}\n` +
      `      ${e} survivors listed as equivalent in MUTANTS.md; without them ${percent(d, v - e)}% (${d}/${v - e})` +
      (i > 0
        ? `\n      ${i} not run: marked equivalent by a // Stryker disable comment (MUTANTS.md)`
        : ""),
  );
  for (const mutant of entry.unexplained) {
    failed = true;
    const { line, column } = mutant.location.start;
    const replacement = (mutant.replacement ?? "").replace(/\s+/g, " ").slice(0, 80);
    console.log(
      `    UNEXPLAINED ${mutant.status.toLowerCase()} ${file}:${line}:${column + 1} ${mutant.mutatorName}: ${replacement}`,
    );
  }
}
console.log(
  failed
    ? "survivors above are neither killed nor explained: sharpen a test, or list them in packages/store-conformance/mutation/equivalent-mutants.json and MUTANTS.md with the reason"
    : "every survivor is explained in packages/store-conformance/MUTANTS.md",
);
process.exitCode = failed ? 1 : 0;
