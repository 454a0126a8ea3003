// API reports of every published entry point (`pnpm api:check`, `pnpm api:update`).
//
// For each package under packages/ and each entry of its `exports` that has `types`, API Extractor
// reads the built declarations and writes `<package>/api/<entry>.api.md`. Without `--update` (what
// `pnpm lint` runs, after `pnpm build`) it fails when a report differs from the committed one: a
// public API change must be accepted with `pnpm api:update` and committed with the code that made
// it. `--update` first rebuilds the packages whose src/ is newer than their dist/. Package names
// as arguments limit the run to them.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CompilerState, Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const update = process.argv.includes("--update");
const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));

/** `"."` → `index`, `"./store"` → `store`: the report's file name. */
const reportName = (subpath) => (subpath === "." ? "index" : subpath.slice(2).replaceAll("/", "-"));

/** The newest modification time of the files under `dir`, in epoch milliseconds. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

const temp = mkdtempSync(join(tmpdir(), "sessionkit-api-"));
const failures = [];
let checked = 0;

/** Every published package under packages/ (or those named on the command line). */
function packages() {
  const found = [];
  for (const dir of readdirSync(join(root, "packages")).sort()) {
    const packageFolder = join(root, "packages", dir);
    const packageJsonPath = join(packageFolder, "package.json");
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(packageJsonPath, "utf8"));
    } catch {
      continue;
    }
    if (manifest.private || (only.length > 0 && !only.includes(manifest.name))) continue;
    const entries = Object.entries(manifest.exports ?? {})
      .filter(([, target]) => typeof target === "object" && typeof target?.types === "string")
      .map(([subpath, target]) => ({ subpath, types: resolve(packageFolder, target.types) }));
    const sourceTime = newestMtime(join(packageFolder, "src"));
    const stale = entries.some((entry) => {
      try {
        return statSync(entry.types).mtimeMs < sourceTime;
      } catch {
        return true;
      }
    });
    found.push({ dir, packageFolder, packageJsonPath, manifest, entries, stale });
  }
  return found;
}

let targets = packages();
const stale = targets.filter((target) => target.stale).map((target) => target.manifest.name);
if (update && stale.length > 0) {
  // Only what changed since its last build: a re-run after one edit is quick.
  console.log(`building ${stale.join(", ")}`);
  const args = [...stale.flatMap((name) => ["--filter", name]), "build"];
  if (spawnSync("pnpm", args, { cwd: root, stdio: "inherit" }).status !== 0) process.exit(1);
  // Just built: an edit made during the build shows up at the next run, not as a failure now.
  targets = targets.map((target) => ({ ...target, stale: false }));
}

for (const { dir, packageFolder, packageJsonPath, manifest, entries, stale } of targets) {
  if (stale) {
    failures.push(
      `${manifest.name}: dist/ is missing or older than src/: run \`pnpm build\` first`,
    );
    continue;
  }
  if (update && entries.length > 0) mkdirSync(join(packageFolder, "api"), { recursive: true });
  let compilerState;
  for (const { subpath, types } of entries) {
    const name = reportName(subpath);
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: packageFolder,
        mainEntryPointFilePath: types,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: "ES2022",
              module: "NodeNext",
              moduleResolution: "NodeNext",
              lib: ["ES2023", "DOM", "DOM.Iterable"],
              strict: true,
              skipLibCheck: true,
              types: ["node"],
            },
            files: entries.map((entry) => entry.types),
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: name,
          reportFolder: join(packageFolder, "api"),
          reportTempFolder: join(temp, dir),
          includeForgottenExports: false,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        newlineKind: "lf",
        messages: {
          compilerMessageReporting: { default: { logLevel: "warning" } },
          extractorMessageReporting: {
            default: { logLevel: "warning", addToApiReportFile: true },
            // Every export is public: no @public/@beta tags in this codebase.
            "ae-missing-release-tag": { logLevel: "none", addToApiReportFile: false },
            // Both name dist/ chunk files and line numbers, which move with any edit: kept out of
            // the report so that it changes only when the API does.
            "ae-forgotten-export": { logLevel: "none", addToApiReportFile: false },
            "ae-undocumented": { logLevel: "none", addToApiReportFile: false },
          },
          tsdocMessageReporting: { default: { logLevel: "none", addToApiReportFile: false } },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: packageJsonPath,
    });
    compilerState ??= CompilerState.create(config, {
      additionalEntryPoints: entries.map((entry) => entry.types),
    });
    const result = Extractor.invoke(config, {
      localBuild: update,
      compilerState,
      showVerboseMessages: false,
      messageCallback(message) {
        // The report's "changed"/"copied" notices are summed up below, once per entry point.
        if (message.messageId?.startsWith("console-api-report")) message.handled = true;
        if (message.logLevel === "info" || message.logLevel === "verbose") message.handled = true;
      },
    });
    checked++;
    const report = relative(root, join(packageFolder, "api", `${name}.api.md`));
    const entryName = `${manifest.name}${subpath.slice(1)}`;
    if (result.apiReportChanged && !update) {
      const fresh = join(temp, dir, `${name}.api.md`);
      const diff = spawnSync("diff", ["-u", report, fresh], { cwd: root, encoding: "utf8" });
      const lines = (diff.stdout ?? "").split("\n");
      failures.push(
        `${entryName}: the public API differs from ${report}:\n${lines.slice(0, 60).join("\n")}` +
          (lines.length > 60 ? `\n… (diff -u ${report} ${fresh})` : ""),
      );
    } else if (!result.succeeded) {
      failures.push(`${entryName}: API Extractor failed (${report}), see the errors above`);
    } else if (result.apiReportChanged) {
      console.log(`updated ${report}`);
    }
  }
}

if (failures.length > 0) {
  console.error(`\n${failures.join("\n")}\n`);
  console.error(
    "A public API change fails the build until it is accepted: if it is deliberate, run `pnpm api:update` (it rebuilds what changed) and commit the api/ reports with the change.",
  );
  process.exit(1);
}
if (!update) rmSync(temp, { recursive: true, force: true });
console.log(`API reports: ${checked} entry points ${update ? "written" : "match"}`);
