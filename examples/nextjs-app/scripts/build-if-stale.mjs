// Runs the app's production build (`pnpm build`: Prisma client + `next build`) when
// `.next/BUILD_ID` is missing or older than any source file of the app or any
// built workspace package it uses. Usable as a script or imported.
import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(app, "../..");
const SOURCES = [
  "app",
  "components",
  "lib",
  "proxy.ts",
  "next.config.ts",
  "package.json",
  "tsconfig.json",
];
const PACKAGES = ["auth", "store-redis", "store-prisma", "store-dynamodb"];

async function newest(path) {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const entry of await readdir(path))
    latest = Math.max(latest, await newest(join(path, entry)));
  return latest;
}

/** Whether the production build is missing or older than its inputs. */
export async function isBuildStale() {
  const built = await newest(join(app, ".next/BUILD_ID"));
  if (built === 0) return true;
  const inputs = [
    ...SOURCES.map((name) => join(app, name)),
    ...PACKAGES.map((name) => join(root, "packages", name, "dist")),
  ];
  for (const input of inputs) if ((await newest(input)) > built) return true;
  return false;
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildIfStale();
}
