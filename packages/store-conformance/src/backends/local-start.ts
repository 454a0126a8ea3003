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
