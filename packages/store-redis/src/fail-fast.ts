import { disconnectedError, timeoutError, toStoreError } from "./store-errors.js";

/** Client states in which ioredis would queue a command until some later reconnect. */
const DISCONNECTED = new Set(["reconnecting", "close", "end", "disconnecting"]);

/** Runs one store operation against Redis, or refuses at once. */
export type Guard = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Keeps store operations from hanging on ioredis's queues:
 *
 * - a client that knows it is disconnected (`status` reconnecting, closed…) fails at once;
 * - an operation that takes longer than `timeout` fails with `STORE_UNAVAILABLE`;
 * - after such a timeout (a server that stopped answering, or a Cluster whose
 *   status still says "ready"), operations fail at once for the next `timeout`
 *   ms, then one goes through to find out whether Redis answers again.
 *
 * Every failure is a `SessionStoreError`. `timeout` 0 disables the clock and the pause.
 */
export function createGuard(client: { readonly status: string }, timeout: number): Guard {
  let pausedUntil = 0;
  let probing = false;

  return function guard<T>(work: () => Promise<T>): Promise<T> {
    const { status } = client;
    if (DISCONNECTED.has(status)) return Promise.reject(disconnectedError(status));
    let probe = false;
    if (pausedUntil !== 0) {
      const wait = pausedUntil - Date.now();
      if (wait > 0 || probing) return Promise.reject(timeoutError(timeout, Math.max(wait, 0)));
      probe = probing = true;
    }
    const pending = work().catch((error: unknown) => {
      throw toStoreError(error);
    });
    if (timeout === 0) return pending;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pausedUntil = Date.now() + timeout;
        if (probe) probing = false;
        reject(timeoutError(timeout, timeout));
      }, timeout);
      pending.then(
        (value) => {
          clearTimeout(timer);
          if (probe) probing = false;
          pausedUntil = 0;
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (probe) probing = false;
          reject(error);
        },
      );
    });
  };
}
