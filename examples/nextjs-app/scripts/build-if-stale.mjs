// Runs the app's production build (`pnpm build`: Prisma client, `next build`, stamp) when
// there is none, or when the app's sources or the built workspace packages it uses
// changed since (by content: `pnpm build` rewrites every dist file, same bytes or
// not). Usable as a script or imported.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(app, "../..");
const SOURCES = [
  "app",
  "components",
  "lib",
  "pages",
  "proxy.ts",
  "next.config.ts",
  "package.json",
  "tsconfig.json",
];
const PACKAGES = ["auth", "store-redis", "store-prisma", "store-dynamodb"];

const STAMP = join(app, ".next/sessionkit-inputs.sha256");

async function hashInto(hash, path) {
  const info = await stat(path).catch(() => undefined);
  if (!info) return;
  if (info.isDirectory()) {
    for (const entry of (await readdir(path)).sort()) await hashInto(hash, join(path, entry));
    return;
  }
  hash
    .update(path)
    .update("\0")
    .update(await readFile(path))
    .update("\0");
}

/** A digest of everything the build reads that can change between runs. */
async function inputsDigest() {
  const hash = createHash("sha256");
  for (const name of SOURCES) await hashInto(hash, join(app, name));
  for (const name of PACKAGES) await hashInto(hash, join(root, "packages", name, "dist"));
  return hash.digest("hex");
}

/** Whether the production build is missing or was made from other inputs. */
export async function isBuildStale() {
  if (!(await stat(join(app, ".next/BUILD_ID")).catch(() => undefined))) return true;
  const built = await readFile(STAMP, "utf8").catch(() => "");
  return built !== (await inputsDigest());
}

/** Builds the app if stale; rejects when the build fails or outlasts `timeoutMs`. */
export async function buildIfStale({ timeoutMs = 600_000, log = console.log } = {}) {
  if (!(await isBuildStale())) return false;
  log("› building the demo app (next build)");
  await new Promise((resolve, reject) => {
    const child = spawn("pnpm", ["run", "build"], {
      cwd: app,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`next build took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(undefined);
      else reject(new Error(`the demo app's build failed (exit ${code})`));
    });
  });
  return true;
}

/** Records what the build just made was made from (the last step of `pnpm build`). */
export async function writeBuildStamp() {
  await writeFile(STAMP, await inputsDigest());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--stamp")) await writeBuildStamp();
  else await buildIfStale();
}
