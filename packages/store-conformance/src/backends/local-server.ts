import { type ChildProcess, spawn } from "node:child_process";
import {
  chownSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** How to run one server process. */
export interface ServerCommand {
  command: string;
  args: string[];
  /** Run as this user (when we are root and the server refuses to be). */
  user?: { uid: number; gid: number };
  env?: NodeJS.ProcessEnv;
  /** How `close()` ends it. @default "SIGKILL" */
  closeSignal?: NodeJS.Signals;
}

/** One server process in a temp dir: output goes to a log file there. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly closeSignal: NodeJS.Signals;
  /** Why it is no longer running, or `undefined` while it runs. */
  exitReason(): string | undefined;
  /** Signals it and resolves once it has exited (SIGKILL after `grace` ms). */
  terminate(signal?: NodeJS.Signals, grace?: number): Promise<void>;
}

/** A temp dir that owns server processes; removed (with the processes) on close or exit. */
export interface LocalWorkspace {
  readonly dir: string;
  spawn(name: string, command: ServerCommand): ServerProcess;
  /** The last lines a server wrote, for error messages. */
  logTail(name: string): string;
  close(): Promise<void>;
}

const live = new Set<() => void>();
let exitHookInstalled = false;

/** Kills what is still running when the process exits without calling `close()`. */
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const cleanup of live) cleanup();
  });
}

/**
 * Outlives us only to clean up: if this process dies without running exit hooks
 * (SIGKILL, a crashed worker), it kills the servers listed in `.pids` and removes the dir.
 */
export function startWatchdog(dir: string, parentPid = process.pid): ChildProcess | undefined {
  if (process.platform === "win32") return undefined;
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
    '[ -f "$2/.pids" ] && kill -9 $(cat "$2/.pids") 2>/dev/null; rm -rf "$2"';
  const watchdog = spawn("sh", ["-c", script, "sh", String(parentPid), dir], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.on("error", () => {});
  watchdog.unref();
  return watchdog;
}

/** Creates a temp dir for a local server (owned by `owner` when given). */
export function createLocalWorkspace(
  kind: string,
  owner?: { uid: number; gid: number },
): LocalWorkspace {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), `sessionkit-${kind}-`));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const processes = new Map<string, ServerProcess>();
  const watchdog = startWatchdog(dir);
  let closed = false;

  const writePids = () => {
    const pids = [...processes.values()]
      .filter((server) => !server.exitReason() && server.child.pid)
      .map((server) => server.child.pid);
    try {
      writeFileSync(join(dir, ".pids"), pids.join(" "));
    } catch {
      // The dir is gone: nothing left to protect.
    }
  };

  const killAllNow = () => {
    for (const server of processes.values()) {
      if (!server.exitReason()) server.child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
    if (watchdog?.pid) {
      try {
        process.kill(watchdog.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };
  live.add(killAllNow);

  const logFile = (name: string) => join(dir, `${name}.log`);

  return {
    dir,
    spawn(name, { command, args, user, env, closeSignal = "SIGKILL" }) {
      const log = openSync(logFile(name), "a");
      if (user) chownSync(logFile(name), user.uid, user.gid);
      const child = spawn(command, args, {
        cwd: dir,
        stdio: ["ignore", log, log],
        env: { ...process.env, ...env },
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
      });
      closeSync(log);
      let reason: string | undefined;
      const exited = new Promise<void>((resolve) => {
        child.once("error", (error) => {
          reason = `${command} failed to start: ${error.message}`;
          resolve();
        });
        child.once("exit", (code, signal) => {
          reason ??= `${command} exited (${signal ?? `code ${code}`})`;
          resolve();
        });
      });
      const server: ServerProcess = {
        child,
        closeSignal,
        exitReason: () => reason,
        async terminate(signal = "SIGTERM", grace = 10_000) {
          if (reason) return;
          child.kill(signal);
          const timer = setTimeout(() => child.kill("SIGKILL"), grace);
          await exited;
          clearTimeout(timer);
          writePids();
        },
      };
      processes.set(name, server);
      writePids();
      return server;
    },
    logTail(name) {
      try {
        const lines = readFileSync(logFile(name), "utf8").trim().split("\n");
        return lines.slice(-3).join(" | ");
      } catch {
        return "";
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(
        [...processes.values()].map((server) => server.terminate(server.closeSignal, 5_000)),
      );
      live.delete(killAllNow);
      killAllNow();
    },
  };
}
