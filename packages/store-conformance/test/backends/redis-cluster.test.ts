import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisClusterBackend, startRedisCluster } from "../../src/backends/index.js";
import { sourcesUnderTest } from "./container-runs.js";

describe.each(sourcesUnderTest)("startRedisCluster (%s)", (_, options) => {
  let backend: RedisClusterBackend;
  let cluster: Cluster;
  beforeAll(async () => {
    backend = await startRedisCluster(options);
    cluster = new Cluster(backend.nodes, {
      enableOfflineQueue: false,
      clusterRetryStrategy: () => null,
      lazyConnect: true,
    });
    // It loses its nodes while a test has stopped them; its commands report the failures.
    cluster.on("error", () => {});
    await cluster.connect();
  });
  afterAll(async () => {
    cluster?.disconnect();
    await backend?.close();
  });

  it("serves three masters sharing every slot", async () => {
    expect(backend.nodes).toHaveLength(3);
    const keys = Array.from({ length: 30 }, (_, i) => `smoke:${i}`);
    for (const key of keys) await cluster.set(key, key);
    expect(await Promise.all(keys.map((key) => cluster.get(key)))).toEqual(keys);
    const masters = cluster.nodes("master");
    expect(masters).toHaveLength(3);
    const counts = await Promise.all(masters.map((node) => node.dbsize()));
    expect(counts.filter((count) => count > 0)).toHaveLength(3);
  });

  it("goes down on stop() and comes back on the same ports on start()", async (context) => {
    if (!backend.canRestart) return context.skip("an env URL is not ours to restart");
    await backend.stop();
    await expect(cluster.get("smoke:1")).rejects.toThrow();
    await backend.start();
    const fresh = new Cluster(backend.nodes);
    fresh.on("error", () => {});
    try {
      expect(await fresh.get("smoke:1")).toBe("smoke:1");
      await fresh.set("after", "restart");
      expect(await fresh.get("after")).toBe("restart");
    } finally {
      fresh.disconnect();
    }
  });
});
