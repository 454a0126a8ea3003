import type { LocalWorkspace, ServerCommand, ServerProcess } from "./local-server.js";
import { waitUntil } from "./wait-until.js";

/**
 * Starts `name` in `workspace` and waits until `ready()` answers; fails at once
 * (with the server's last log lines) if it exits first, e.g. its port was taken.
 */
export async function runUntilReady(
  workspace: LocalWorkspace,
  name: string,
  command: ServerCommand,
  ready: () => Promise<boolean>,
  timeout: number,
): Promise<ServerProcess> {
  const server = workspace.spawn(name, command);
  try {
    await waitUntil(ready, {
      timeout,
      abort: () => {
        const reason = server.exitReason();
        return reason && `${reason}: ${workspace.logTail(name)}`;
      },
    });
  } catch (error) {
    await server.terminate("SIGKILL", 0);
    throw error;
  }
  return server;
}

/**
 * Runs a one-shot setup command (initdb, mariadb-install-db) in `workspace` to a
 * clean exit; on failure removes the workspace and rejects with its last log lines.
 */
export async function runToCompletion(
  workspace: LocalWorkspace,
  name: string,
  command: ServerCommand,
): Promise<void> {
  const { child } = workspace.spawn(name, command);
  try {
    await new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) =>
        code === 0 ? resolve() : reject(new Error(`${name} failed: ${workspace.logTail(name)}`)),
      );
    });
  } catch (error) {
    await workspace.close();
    throw error;
  }
}

/** Tries `attempt` up to three times: a port found free can be taken by someone else before we bind it. */
export async function retryOnPortRace<T>(attempt: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
      if (!/address already in use|EADDRINUSE|bind|port/i.test(String(error))) break;
    }
  }
  throw lastError;
}

/** The part of a backend handle that one local server provides. */
export interface LocalServerHandle {
  source: "local";
  canRestart: true;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startLocalServer}. */
export interface StartLocalServerOptions {
  /** The signal `stop()` sends. @default "SIGTERM" */
  stopSignal?: NodeJS.Signals;
}

/**
 * Starts one server in `workspace` with a handle that stops it (an outage),
 * starts it again with the same command and port, and removes the workspace
 * on `close()`. A server that never got ready removes the workspace at once.
 */
export async function startLocalServer(
  workspace: LocalWorkspace,
  name: string,
  command: ServerCommand,
  ready: () => Promise<boolean>,
  timeout: number,
  options: StartLocalServerOptions = {},
): Promise<LocalServerHandle> {
  const run = () => runUntilReady(workspace, name, command, ready, timeout);
  let server = await run().catch(async (error) => {
    await workspace.close();
    throw error;
  });
  return {
    source: "local",
    canRestart: true,
    async stop() {
      await server.terminate(options.stopSignal ?? "SIGTERM");
    },
    async start() {
      if (!server.exitReason()) return;
      server = await run();
    },
    close: () => workspace.close(),
  };
}
