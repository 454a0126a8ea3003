// `pnpm mutation`: StrykerJS over the reference stores with the conformance suite as the
// only tests, then one line per file with its score and one per surviving mutant.
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Stryker } from "@stryker-mutator/core";
import config from "./stryker.config.mjs";

const root = fileURLToPath(new URL("../../..", import.meta.url));
process.chdir(root);

const started = Date.now();
const results = await new Stryker(config).runMutationTest();

const detected = new Set(["Killed", "Timeout"]);
const counted = new Set(["Killed", "Timeout", "Survived", "NoCoverage"]);
const byFile = new Map();
for (const result of results) {
  const file = relative(root, result.fileName);
  const entry = byFile.get(file) ?? { detected: 0, valid: 0, survivors: [] };
  if (detected.has(result.status)) entry.detected++;
  if (counted.has(result.status)) entry.valid++;
  if (result.status === "Survived" || result.status === "NoCoverage") entry.survivors.push(result);
  byFile.set(file, entry);
}

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(`\nmutation score (killed or timed out / valid mutants), ${minutes} min:`);
let failed = false;
for (const [file, entry] of byFile) {
  const score = entry.valid === 0 ? 100 : (100 * entry.detected) / entry.valid;
  console.log(`  ${score.toFixed(2)}%  ${entry.detected}/${entry.valid}  ${file}`);
  if (score < 95) failed = true;
  for (const mutant of entry.survivors) {
    const { line, column } = mutant.location.start;
    const replacement = (mutant.replacement ?? "").replace(/\s+/g, " ").slice(0, 80);
    console.log(
      `    ${mutant.status.toLowerCase()} ${file}:${line}:${column + 1} ${mutant.mutatorName}: ${replacement}`,
    );
  }
}
console.log(
  "every survivor is either killed by a test or explained in packages/store-conformance/MUTANTS.md",
);
process.exitCode = failed ? 1 : 0;
