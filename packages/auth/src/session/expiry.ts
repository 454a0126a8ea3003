/** What decides when a session ends. Durations in milliseconds. */
export interface ExpiryRules {
  rolling: boolean;
  inactivityDuration: number;
  absoluteDuration: number;
}

/**
 * When a session created at `createdAt` ends if used `now`: the one `expiresAt`
 * (epoch ms) that the cookie's Max-Age, the JWE `exp` and the store TTL share.
 */
export function sessionExpiresAt(rules: ExpiryRules, createdAt: number, now: number): number {
  const absolute = createdAt + rules.absoluteDuration;
  return rules.rolling ? Math.min(now + rules.inactivityDuration, absolute) : absolute;
}

/** The JWE `exp` claim (seconds) for an `expiresAt` in epoch ms. */
export function expClaim(expiresAt: number): number {
  return Math.ceil(expiresAt / 1000);
}
