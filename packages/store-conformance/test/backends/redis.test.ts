import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisBackend, startRedis } from "../../src/backends/index.js";
import { sourcesUnderTest } from "./container-runs.js";

describe.each(sourcesUnderTest)("startRedis (%s)", (_, options) => {
  let backend: RedisBackend;
  let client: Redis;
  beforeAll(async () => {
    backend = await startRedis(options);
    client = new Redis(backend.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    // It reconnects while a test has stopped the server; its commands report the failures.
    client.on("error", () => {});
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await backend?.close();
  });

  it("serves a real Redis at url/host/port", async () => {
    expect(backend.url).toBe(`redis://${backend.host}:${backend.port}`);
    await client.set("smoke", "héllo");
    expect(await client.get("smoke")).toBe("héllo");
  });

  it("goes down on stop() and comes back on the same port on start()", async (context) => {
    if (!backend.canRestart) return context.skip("an env URL is not ours to restart");
    await backend.stop();
    await expect(client.get("smoke")).rejects.toThrow();
    await backend.start();
    const fresh = new Redis(backend.url);
    fresh.on("error", () => {});
    try {
      expect(await fresh.get("smoke")).toBe("héllo");
    } finally {
      fresh.disconnect();
    }
  });
});
