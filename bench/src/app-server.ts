// Starts one build of bench/app with `next start` and reads the CPU time of its processes.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const appDir = join(dirname(fileURLToPath(import.meta.url)), "../app");
export const nextBin = join(appDir, "../node_modules/next/dist/bin/next");

export type Library = "sessionkit" | "nextjs-auth0";

export interface AppServer {
  library: Library;
  url: string;
  pid: number;
  /** utime + stime of the server and all its descendants, in milliseconds. */
  cpuMs(): number;
  /** The last lines the server printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

const TICK_MS = 10; // USER_HZ is 100 on Linux (`getconf CLK_TCK`)

function processStats(): Map<number, { ppid: number; ticks: number }> {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces: the fields start after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // the process ended while we were reading
    }
  }
  return stats;
}

function treeCpuMs(root: number): number {
  const stats = processStats();
  let ticks = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, { ppid }] of stats) if (ppid === pid) queue.push(child);
  }
  return ticks * TICK_MS;
}

/** Starts `next start` for one library's build; resolves once the route handler answers. */
export async function startApp(library: Library, env: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_APP_CPU_PROF=<dir>: a V8 CPU profile of each app, written when it stops.
  const profileDir = process.env.BENCH_APP_CPU_PROF;
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profile, nextBin, "start", "--port", String(port), "--hostname", "127.0.0.1"],
    {
      cwd: appDir,
      env: {
        ...process.env,
        ...env,
        BENCH_LIB: library,
        APP_BASE_URL: url,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${library} app exited:\n${log}`);
    const answered = await fetch(`${url}/api/session`).then(
      (response) => response.status,
      () => 0,
    );
    if (answered === 401) break;
    if (answered !== 0) throw new Error(`${library} app answered ${answered} without a session`);
    if (Date.now() > deadline) throw new Error(`${library} app did not start:\n${log}`);
    await new Promise((wait) => setTimeout(wait, 250));
  }

  return {
    library,
    url,
    pid: child.pid!,
    cpuMs: () => treeCpuMs(child.pid!),
    output: () => log,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** `next build` of one library's variant into bench/app/.next-<library>. */
export async function buildApp(library: Library): Promise<void> {
  const child = spawn(process.execPath, [nextBin, "build"], {
    cwd: appDir,
    env: { ...process.env, BENCH_LIB: library, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.once("exit", done));
  if (code !== 0) throw new Error(`next build (${library}) failed:\n${log}`);
}
