/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** Give up after this long, in milliseconds. */
  timeout: number;
  /** Pause between attempts, in milliseconds. @default 50 */
  interval?: number;
  /** Checked before each attempt: a reason to stop waiting at once (e.g. the server exited). */
  abort?: () => string | undefined;
}

/** Polls `check` until it answers true; rejects with the last reason on timeout or abort. */
export async function waitUntil(
  check: () => Promise<boolean>,
  { timeout, interval = 50, abort }: WaitUntilOptions,
): Promise<void> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    const reason = abort?.();
    if (reason) throw new Error(reason, { cause: lastError });
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`not ready after ${timeout} ms${detail}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
