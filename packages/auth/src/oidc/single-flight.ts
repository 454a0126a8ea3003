/** Runs at most one task per key at a time; callers with the same key share its result. */
export interface SingleFlight<T> {
  /** Runs `task` unless one is already running for `key`, in which case its promise is shared. */
  run(key: string, task: () => Promise<T>): Promise<T>;
  /** How many keys have a task running. */
  readonly size: number;
}

/**
 * Creates a {@link SingleFlight}. Within one process, two parallel refreshes of one session then
 * spend its (rotating) refresh token once. The entry is removed as soon as the task settles, so a
 * failure is never cached.
 */
export function createSingleFlight<T>(): SingleFlight<T> {
  const running = new Map<string, Promise<T>>();
  return {
    run(key, task) {
      const existing = running.get(key);
      if (existing !== undefined) return existing;
      let promise: Promise<T>;
      try {
        promise = task();
      } catch (error) {
        promise = Promise.reject(error);
      }
      const shared = promise.finally(() => {
        if (running.get(key) === shared) running.delete(key);
      });
      running.set(key, shared);
      return shared;
    },
    get size() {
      return running.size;
    },
  };
}
