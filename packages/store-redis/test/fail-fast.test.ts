import { isSessionStoreError } from "@sessionkit/auth/store";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createGuard } from "../src/fail-fast.js";

// The guard's state machine on plain promises; the Redis faults themselves are in faults.ts.
const hang = () => new Promise<string>(() => {});
const answer = (value: string, ms = 0) =>
  new Promise<string>((resolve) => setTimeout(() => resolve(value), ms));
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe("createGuard", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fails at once while the client says it is disconnected", async () => {
    const client = { status: "reconnecting" };
    const guard = createGuard(client, 1_000);
    let sent = false;
    const result = await outcome(
      guard(() => {
        sent = true;
        return answer("x");
      }),
    );
    expect(sent).toBe(false);
    expect(isSessionStoreError((result as { error: unknown }).error, "STORE_UNAVAILABLE")).toBe(
      true,
    );
    client.status = "ready";
    expect(await guard(() => answer("y"))).toBe("y");
  });

  it("times out hung operations, pauses, then lets one probe through", async () => {
    // Fake timers: the 60 ms windows below must not depend on how busy the machine is.
    vi.useFakeTimers();
    const guard = createGuard({ status: "ready" }, 60);
    const started = Date.now();
    const all = Promise.all([
      outcome(guard(hang)),
      outcome(guard(() => answer("fast", 5))),
      outcome(guard(hang)),
    ]);
    await vi.advanceTimersByTimeAsync(60 + 15);
    const [a, b, c] = await all;
    expect(b).toEqual({ value: "fast" });
    for (const hung of [a, c]) {
      expect(isSessionStoreError((hung as { error: unknown }).error, "STORE_UNAVAILABLE")).toBe(
        true,
      );
    }
    // Expired between the timeout and one watchdog tick (a quarter of it) later.
    expect(Date.now() - started).toBe(75);

    // Paused: refused at once, saying when to retry.
    const refused = (await outcome(guard(() => answer("no")))) as { error: unknown };
    expect(isSessionStoreError(refused.error, "STORE_UNAVAILABLE")).toBe(true);
    const { retryAfter } = refused.error as { retryAfter: number };
    // Seconds, like HTTP Retry-After: at most the 60 ms pause.
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(0.06);

    await vi.advanceTimersByTimeAsync(70);
    // One probe goes through; others fail at once while it is out.
    const probe = guard(() => answer("probe", 20));
    const meanwhile = (await outcome(guard(() => answer("no")))) as { error: unknown };
    expect(isSessionStoreError(meanwhile.error, "STORE_UNAVAILABLE")).toBe(true);
    await vi.advanceTimersByTimeAsync(20);
    expect(await probe).toBe("probe");
    // The probe answered: back to normal.
    const normal = Promise.all([guard(() => answer("1")), guard(() => answer("2"))]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await normal).toEqual(["1", "2"]);
  });

  it("pauses only the node that timed out, and says which", async () => {
    vi.useFakeTimers();
    const timedOut: string[] = [];
    const guard = createGuard({ status: "ready" }, 60, (node) => timedOut.push(node));
    const hung = outcome(guard(hang, "10.0.0.1:7000"));
    await vi.advanceTimersByTimeAsync(60 + 15);
    expect(
      isSessionStoreError(((await hung) as { error: unknown }).error, "STORE_UNAVAILABLE"),
    ).toBe(true);
    expect(timedOut).toEqual(["10.0.0.1:7000"]);
    // The frozen master's calls fail at once; the healthy masters' calls go through.
    let sent = false;
    const refused = await outcome(
      guard(() => {
        sent = true;
        return answer("no");
      }, "10.0.0.1:7000"),
    );
    expect(sent).toBe(false);
    expect(isSessionStoreError((refused as { error: unknown }).error, "STORE_UNAVAILABLE")).toBe(
      true,
    );
    const healthy = Promise.all([
      guard(() => answer("b", 5), "10.0.0.2:7000"),
      guard(() => answer("c", 5), "10.0.0.3:7000"),
    ]);
    await vi.advanceTimersByTimeAsync(5);
    expect(await healthy).toEqual(["b", "c"]);
  });

  it("maps errors and lets a timeout of 0 wait", async () => {
    const guard = createGuard({ status: "ready" }, 0);
    const failed = (await outcome(
      guard(() => Promise.reject(new Error("connect ECONNREFUSED"))),
    )) as { error: unknown };
    expect(isSessionStoreError(failed.error, "STORE_UNAVAILABLE")).toBe(true);
    expect(await guard(() => answer("late", 80))).toBe("late");
  });
});
