import { isSessionStoreError, type SessionStore } from "@sessionkit/auth/store";
import type { BackendHandle } from "@sessionkit/store-conformance/backends";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisStoreClient, redisStore } from "../src/index.js";
import { aSession, inOneMinute, listened, randomPrefix, sleep, type Target } from "./support.js";

/** How an operation ended, and how long it took. */
async function timed(operation: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await operation();
    return { error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** Fault behaviour with the client's default settings: fail fast, then work again. */
export function describeFaults(target: () => Target, backend: () => BackendHandle) {
  // Default store and client settings: failing fast must not need tuning.
  describe("faults", () => {
    let client: RedisStoreClient;
    let store: SessionStore;
    beforeAll(() => {
      client = target().connect();
      // ioredis logs connection errors it cannot hand to a caller; the store reports them.
      client.on("error", () => {});
      store = redisStore(client, { prefix: randomPrefix() });
    });
    afterAll(() => client.disconnect());

    it("fails with STORE_UNAVAILABLE when Redis stops answering, and recovers", async () => {
      const store = redisStore(client, { prefix: randomPrefix(), operationTimeoutSeconds: 0.3 });
      await store.set("paused", aSession("nina", "sid-n"), inOneMinute());
      const nodes = target().nodes.map((node) => listened(new Redis(node)));
      try {
        // Paused ten times the 0.3 s timeout: an error can only be the timeout's, since once the
        // pause ends the read succeeds. No clock is read, so a stalled machine cannot fail this
        // (CLIENT UNPAUSE waits out a PAUSE ALL, so the pause stays short).
        await Promise.all(nodes.map((node) => node.call("CLIENT", "PAUSE", "3000", "ALL")));
        const error = await store.get("paused").then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isSessionStoreError(error, "STORE_UNAVAILABLE")).toBe(true);
      } finally {
        await Promise.all(nodes.map((node) => node.call("CLIENT", "UNPAUSE").catch(() => {})));
        for (const node of nodes) node.disconnect();
      }
      expect((await store.get("paused"))?.user.sub).toBe("nina");
    });

    it("maps ioredis's own commandTimeout to STORE_UNAVAILABLE", async () => {
      const timed = listened(
        target().cluster
          ? new Cluster(target().nodes, { redisOptions: { commandTimeout: 200 } })
          : new Redis({ ...target().nodes[0]!, commandTimeout: 200 }),
      );
      const store = redisStore(timed, { prefix: randomPrefix(), operationTimeoutSeconds: 0 });
      const nodes = target().nodes.map((node) => listened(new Redis(node)));
      try {
        await store.set("slow", aSession("pia"), inOneMinute());
        await Promise.all(nodes.map((node) => node.call("CLIENT", "PAUSE", "1000", "ALL")));
        const error = await store.get("slow").catch((e: unknown) => e);
        expect(isSessionStoreError(error, "STORE_UNAVAILABLE")).toBe(true);
      } finally {
        await Promise.all(nodes.map((node) => node.call("CLIENT", "UNPAUSE").catch(() => {})));
        for (const node of nodes) node.disconnect();
        timed.disconnect();
      }
    });

    it("fails fast with STORE_UNAVAILABLE while Redis is down, and works once it is back", async () => {
      await store.set("down", aSession("omar", "sid-o"), inOneMinute());
      await backend().stop();
      try {
        const operations = [
          () => store.get("down"),
          () => store.set("x", aSession("omar"), inOneMinute()),
          () => store.update("down", aSession("omar"), inOneMinute()),
          () => store.delete("down"),
          () => store.deleteByLogoutToken({ iss: "https://op.example", sub: "omar" }),
        ];
        const outcomes = [];
        for (const operation of operations) outcomes.push(await timed(operation));
        for (const { error } of outcomes) {
          expect(isSessionStoreError(error, "STORE_UNAVAILABLE")).toBe(true);
        }
        // A client that knows it lost Redis fails at once. One that does not yet (a Cluster
        // whose status still says "ready", or any client on a stalled machine) waits out
        // operationTimeoutSeconds (2 s by default) once per node: the guard then refuses that
        // node's calls at once. "Waited" is half that timeout or more, so a busy machine's
        // stall of a few hundred ms does not count as one; nothing hangs past 10 s.
        const times = `call times: ${outcomes.map(({ ms }) => Math.round(ms)).join(", ")} ms`;
        const waited = outcomes.filter(({ ms }) => ms >= 1_000);
        expect(waited.length, times).toBeLessThanOrEqual(target().nodes.length);
        for (const { ms } of waited) expect(ms, times).toBeLessThan(10_000);
      } finally {
        await backend().start();
      }
      let answer: unknown;
      for (let attempt = 0; attempt < 100; attempt++) {
        answer = await store.get("down").catch((error: unknown) => error);
        if (!(answer instanceof Error)) break;
        await sleep(100);
      }
      // The backend keeps its data over a restart.
      expect(answer).toMatchObject({ user: { sub: "omar" } });
      await store.set("after", aSession("omar"), inOneMinute());
      expect(await store.deleteByLogoutToken({ iss: "https://op.example", sub: "omar" })).toBe(2);
    });
  });
}
