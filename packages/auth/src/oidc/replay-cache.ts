/**
 * Remembers logout token `jti`s until the token expires, so a captured token cannot be replayed.
 * A stateful session store may provide one backed by its own backend (shared by all instances).
 */
export interface LogoutTokenReplayCache {
  /**
   * Records `jti` until `expiresAt` (epoch milliseconds). Answers `true` when it was not seen
   * before (first use), `false` when it was (a replay). Must be atomic across concurrent calls.
   */
  claim(jti: string, expiresAt: number): Promise<boolean>;
}

/** Options of {@link memoryReplayCache}. */
export interface MemoryReplayCacheOptions {
  /** At most this many `jti`s are kept; past it, expired ones go first, then the oldest. @default 10000 */
  maxEntries?: number;
  /** The clock, in epoch milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * An in-process {@link LogoutTokenReplayCache}: bounded and expiring. With several app instances,
 * each remembers only the tokens it saw; prefer a store-backed cache there.
 */
export function memoryReplayCache(options: MemoryReplayCacheOptions = {}): LogoutTokenReplayCache {
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
    async claim(jti, expiresAt) {
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
  };
}
