import type { LogoutTokenReplayStore } from "../store/types.js";

/** Options of {@link memoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** At most this many `jti`s are kept; past it, expired ones go first, then the oldest. @default 10000 */
  maxEntries?: number;
  /** The clock, in epoch milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * This process's memory of logout token `jti`s, bounded and expiring: the fallback when the
 * session store does not implement {@link LogoutTokenReplayStore}. With several app instances
 * each remembers only the tokens it saw.
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): LogoutTokenReplayStore {
  const maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  const now = options.now ?? Date.now;
  // Insertion order doubles as age order for eviction.
  const seen = new Map<string, number>();

  function sweep(time: number): void {
    for (const [jti, expiresAt] of seen) {
      if (expiresAt <= time) seen.delete(jti);
    }
  }

  return {
    async claimLogoutToken(jti, expiresAt) {
      const time = now();
      const known = seen.get(jti);
      if (known !== undefined && known > time) return false;
      if (known !== undefined) seen.delete(jti);
      if (seen.size >= maxEntries) sweep(time);
      while (seen.size >= maxEntries) {
        const oldest = seen.keys().next().value as string;
        seen.delete(oldest);
      }
      seen.set(jti, expiresAt);
      return true;
    },
    async releaseLogoutToken(jti) {
      seen.delete(jti);
    },
  };
}
