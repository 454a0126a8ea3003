import { isSessionStoreError } from "@sessionkit/auth/store";
import {
  type RedisClusterBackend,
  startRedisCluster,
} from "@sessionkit/store-conformance/backends";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { createKeyLayout, shardOf } from "../src/key-layout.js";
import { aSession, eventually, inOneMinute, listened, randomPrefix } from "./support.js";

/** The pid of the redis-server behind a local node (it runs on this machine). */
async function pidOf(node: { host: string; port: number }): Promise<number> {
  const redis = listened(new Redis(node));
  try {
    const info = await redis.info("server");
    return Number(/process_id:(\d+)/.exec(info)?.[1]);
  } finally {
    redis.disconnect();
  }
}

// Issue 21: one frozen master (SIGSTOP) must not stop the store from serving the sessions
// whose shards live on the other masters. The cluster has no replicas here, so the frozen
// master's shards stay down until SIGCONT; a failover is the fault harness's job.
describe("a frozen Cluster master", () => {
  let backend: RedisClusterBackend;
  beforeAll(async () => {
    // Local binaries: SIGSTOP needs the server's own process on this machine.
    backend = await startRedisCluster({ sources: ["local"] });
    // Without replicas, the cluster would refuse every slot once the frozen master is
    // marked failed (after cluster-node-timeout): serve the slots that are still covered.
    await Promise.all(
      backend.nodes.map(async (node) => {
        const redis = listened(new Redis(node));
        try {
          await redis.config("SET", "cluster-require-full-coverage", "no");
        } finally {
          redis.disconnect();
        }
      }),
    );
  });
  afterAll(() => backend?.close());

  it("leaves the healthy masters' shards answering, and the frozen one's recovers after SIGCONT", {
    timeout: 90_000,
  }, async () => {
    const client = listened(new Cluster(backend.nodes));
    const prefix = randomPrefix();
    const store = redisStore(client, { prefix, operationTimeoutSeconds: 0.5 });
    const layout = createKeyLayout(prefix, 16, "");
    const ids = Array.from({ length: 160 }, (_, n) => `id-${n}`);
    try {
      for (const id of ids) await store.set(id, aSession(`user-${id}`), inOneMinute());
      const masterOf = (id: string) => client.slots[layout.slots[shardOf(id, 16)]!]![0]!;
      const victim = masterOf(ids[0]!);
      const [host, port] = victim.split(":") as [string, string];
      const pid = await pidOf({ host, port: Number(port) });
      expect(pid).toBeGreaterThan(0);
      const frozenIds = ids.filter((id) => masterOf(id) === victim);
      const healthyIds = ids.filter((id) => masterOf(id) !== victim);
      expect(frozenIds.length).toBeGreaterThan(0);
      expect(healthyIds.length).toBeGreaterThan(0);

      const counts = {
        healthyOk: 0,
        healthyFailed: 0,
        frozenOk: 0,
        frozenUnavailable: 0,
        other: 0,
      };
      process.kill(pid, "SIGSTOP");
      try {
        // Past cluster-node-timeout (2 s): the other masters mark it failed meanwhile.
        const until = Date.now() + 6_000;
        const worker = async (w: number) => {
          for (let n = w; Date.now() < until; n += 4) {
            const id = ids[n % ids.length]!;
            const healthy = masterOf(id) !== victim;
            try {
              if (n % 3 === 0) await store.update(id, aSession(`user-${id}`), inOneMinute());
              else await store.get(id);
              if (healthy) counts.healthyOk++;
              else counts.frozenOk++;
            } catch (error) {
              if (healthy) counts.healthyFailed++;
              else if (isSessionStoreError(error, "STORE_UNAVAILABLE")) counts.frozenUnavailable++;
              else counts.other++;
            }
          }
        };
        await Promise.all([0, 1, 2, 3].map(worker));
      } finally {
        process.kill(pid, "SIGCONT");
      }
      const healthyCalls = counts.healthyOk + counts.healthyFailed;
      const summary = JSON.stringify(counts);
      expect(healthyCalls, summary).toBeGreaterThanOrEqual(20);
      // Before issue 21 one timeout paused the whole store: ~0% of these succeeded.
      expect(counts.healthyOk / healthyCalls, summary).toBeGreaterThanOrEqual(0.9);
      expect(counts.frozenOk, summary).toBe(0);
      expect(counts.other, summary).toBe(0);

      // Thawed: every session is back, none lost.
      await eventually(
        "every session answers after SIGCONT",
        async () => {
          const found = await Promise.all(ids.map((id) => store.get(id).catch(() => undefined)));
          return found.every((session) => session?.user.sub.startsWith("user-"));
        },
        60,
      );
    } finally {
      client.disconnect();
    }
  });
});
