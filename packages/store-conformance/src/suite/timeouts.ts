/**
 * Every test's time limit, in milliseconds, whatever the caller's Vitest
 * `testTimeout` (5 s by default, too short for a real backend under load).
 */
export const groupTimeout = 30_000;
