import { sleep } from "./fixtures.js";

// Real lifetimes of one to three seconds. A test reads the clock once (`start`) and
// measures every instant from it, so slow calls cannot stretch its schedule.

/** Sleeps until `ms` after `start`. */
export const until = (start: number, ms: number) => sleep(Math.max(0, start + ms - Date.now()));

/**
 * Waits until the clock reads `at` (to the millisecond, spinning the last few), so the next
 * call starts at exactly that instant when it is quick: how "exactly now" is reached.
 */
export async function untilExactly(at: number): Promise<void> {
  // Timers fire late on a busy machine: sleep to well before, then spin (at most ~60 ms).
  await sleep(Math.max(0, at - Date.now() - 60));
  while (Date.now() < at) {
    // Spinning: a timer cannot land on one millisecond.
  }
}

/** Whether it is already `ms` after `start`. */
export const past = (start: number, ms: number) => Date.now() >= start + ms;

/**
 * Runs `attempt` from a fresh start time until it keeps to its schedule, at most
 * three times. An attempt answers "late" when a call that had to finish before
 * some instant finished after it (a loaded machine stalled): its answer then
 * proves nothing either way, so it asserts nothing and the next attempt runs.
 */
export async function onSchedule(attempt: (start: number) => Promise<"late" | undefined>) {
  for (let tries = 0; tries < 3; tries++) {
    if ((await attempt(Date.now())) !== "late") return;
  }
  throw new Error("the machine was too slow to keep this test's schedule three times running");
}
