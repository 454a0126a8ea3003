import { SessionStoreError } from "@sessionkit/auth/store";
import { THROTTLE_RETRY_AFTER_SECONDS } from "./to-store-error.js";

/** How a batch call resends what DynamoDB leaves unprocessed (it does so under load). */
export interface BatchRetry {
  /** Tries per batch while DynamoDB hands back unprocessed requests. */
  maxAttempts: number;
  /** The first back-off before a resend, in milliseconds; doubles per try. */
  baseDelayMs: number;
}

/** Batches in flight at once, so a user with hundreds of sessions is not a burst. */
const CONCURRENCY = 4;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `items` cut into runs of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    runs.push(items.slice(start, start + size));
  }
  return runs;
}

/** Runs `run` over every batch, a few at a time. */
export async function forEachBatch<T>(
  batches: readonly T[],
  run: (batch: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await run(batches[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
}

/**
 * Sends `batch`, then resends whatever `send` reports unprocessed, with exponential back-off and
 * full jitter. Gives up with `STORE_THROTTLED` rather than report a partial result as whole.
 */
export async function untilProcessed<T>(
  batch: T[],
  send: (pending: T[]) => Promise<T[]>,
  retry: BatchRetry,
  what: string,
): Promise<void> {
  let pending = batch;
  for (let tries = 1; ; tries++) {
    const unprocessed = await send(pending);
    if (unprocessed.length === 0) return;
    if (tries >= retry.maxAttempts) {
      throw new SessionStoreError(
        "STORE_THROTTLED",
        `DynamoDB left ${unprocessed.length} ${what} unprocessed after ${tries} tries`,
        { retryAfter: THROTTLE_RETRY_AFTER_SECONDS },
      );
    }
    pending = unprocessed;
    // Full jitter: spread the resends of concurrent callers apart.
    await sleep(Math.random() * retry.baseDelayMs * 2 ** (tries - 1));
  }
}
