import { disconnectedError, timeoutError, toStoreError } from "./store-errors.js";

/** Client states in which ioredis would queue a command until some later reconnect. */
const DISCONNECTED = new Set(["reconnecting", "close", "end", "disconnecting"]);

/**
 * Runs one store operation against Redis, or refuses at once. `node` names the server that
 * serves it (a Cluster master's `host:port`; omitted on standalone): pauses are per node.
 */
export type Guard = <T>(work: () => Promise<T>, node?: string) => Promise<T>;

/** Whether one node is paused after a timeout, and whether its probe is out. */
interface NodeState {
  pausedUntil: number;
  probing: boolean;
}

/**
 * Keeps store operations from hanging on ioredis's queues:
 *
 * - a client that knows it is disconnected (`status` reconnecting, closed…) fails at once;
 * - an operation that takes longer than `timeout` fails with `STORE_UNAVAILABLE`;
 * - after such a timeout (a server that stopped answering, or a Cluster whose
 *   status still says "ready"), operations on that same node fail at once for the next
 *   `timeout` ms, then one goes through to find out whether it answers again. Other
 *   nodes (the healthy masters of a Cluster) are not paused; `onTimeout` hears of each
 *   timeout (the store refreshes a Cluster's slot map there).
 *
 * Every failure is a `SessionStoreError`. `timeout` 0 disables the clock and the pause.
 * An operation fails at most a quarter of `timeout` (≤ 250 ms) later than `timeout`.
 */
export function createGuard(
  client: { readonly status: string },
  timeout: number,
  onTimeout?: (node: string) => void,
): Guard {
  const nodes = new Map<string, NodeState>();
  const watchdog = timeout === 0 ? undefined : createWatchdog(timeout);

  return function guard<T>(work: () => Promise<T>, node = ""): Promise<T> {
    const { status } = client;
    if (DISCONNECTED.has(status)) return Promise.reject(disconnectedError(status));
    const state = nodes.get(node);
    let probe = false;
    if (state && state.pausedUntil !== 0) {
      const wait = state.pausedUntil - Date.now();
      if (wait > 0 || state.probing) {
        return Promise.reject(timeoutError(timeout, Math.max(wait, 0)));
      }
      probe = state.probing = true;
    }
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (error) {
      pending = Promise.reject(error);
    }
    if (!watchdog) {
      return pending.catch((error: unknown) => {
        throw toStoreError(error);
      });
    }
    return new Promise<T>((resolve, reject) => {
      const entry = watchdog.watch(() => {
        nodes.set(node, { pausedUntil: Date.now() + timeout, probing: false });
        reject(timeoutError(timeout, timeout));
        onTimeout?.(node);
      });
      pending.then(
        (value) => {
          watchdog.done(entry);
          // This node answered: whatever timed out before, it is back.
          if (nodes.size !== 0) nodes.delete(node);
          resolve(value);
        },
        (error: unknown) => {
          watchdog.done(entry);
          const current = nodes.get(node);
          if (probe && current) current.probing = false;
          reject(toStoreError(error));
        },
      );
    });
  };
}

/** An operation in flight: a node of the watchdog's list, oldest first. */
interface Watched {
  deadline: number;
  expire: () => void;
  prev: Watched | undefined;
  next: Watched | undefined;
}

/**
 * One shared, unref'd interval instead of a timer per operation: arming and
 * clearing a timer on every call costs more latency than the Redis call
 * itself on a fast network. An operation expires between `timeout` and
 * `timeout` plus one tick (a quarter of `timeout`, at most 250 ms) after it
 * started. In-flight operations sit in a doubly linked list (append and unlink
 * are O(1) with no allocation beyond the node; a `Set` costs several times more
 * under concurrency), in deadline order since every one gets the same `timeout`.
 */
function createWatchdog(timeout: number) {
  const tick = Math.max(1, Math.min(250, Math.floor(timeout / 4)));
  let head: Watched | undefined;
  let tail: Watched | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let idleTicks = 0;

  const unlink = (entry: Watched) => {
    if (entry.prev) entry.prev.next = entry.next;
    else if (head === entry) head = entry.next;
    else return; // already unlinked
    if (entry.next) entry.next.prev = entry.prev;
    else tail = entry.prev;
    entry.prev = entry.next = undefined;
  };

  const sweep = () => {
    const now = Date.now();
    while (head && head.deadline <= now) {
      const entry = head;
      unlink(entry);
      entry.expire();
    }
    // Stop ticking after a quiet while; the next operation starts it again.
    if (head) idleTicks = 0;
    else if (++idleTicks > 40 && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };

  return {
    watch(expire: () => void): Watched {
      const entry: Watched = {
        deadline: Date.now() + timeout,
        expire,
        prev: tail,
        next: undefined,
      };
      if (tail) tail.next = entry;
      else head = entry;
      tail = entry;
      if (!ticker) {
        ticker = setInterval(sweep, tick);
        ticker.unref?.();
      }
      return entry;
    },
    done: unlink,
  };
}
