import type { SessionConfig } from "../config.js";

/** What decides when a session ends (the resolved session config; durations in seconds). */
export type ExpiryRules = Pick<
  SessionConfig,
  "rolling" | "inactivityDuration" | "absoluteDuration"
>;

/**
 * When a session created at `createdAt` ends if used `now` (both epoch ms): the one `expiresAt`
 * (epoch ms) that the cookie's Max-Age, the JWE `exp` and the store TTL share.
 */
export function sessionExpiresAt(rules: ExpiryRules, createdAt: number, now: number): number {
  const absolute = createdAt + rules.absoluteDuration * 1000;
  return rules.rolling ? Math.min(now + rules.inactivityDuration * 1000, absolute) : absolute;
}

/** The JWE `exp` claim (seconds) for an `expiresAt` in epoch ms. */
export function expClaim(expiresAt: number): number {
  return Math.ceil(expiresAt / 1000);
}
