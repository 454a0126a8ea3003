import { describe, expect, it } from "vitest";
import { createKeyLayout, shardOf, shardTags, slotOf } from "../src/key-layout.js";

describe("key layout", () => {
  it("computes slots as Redis Cluster does", () => {
    // Values from the Redis Cluster specification and `CLUSTER KEYSLOT`.
    expect(slotOf("foo")).toBe(12182);
    expect(slotOf("123456789")).toBe(0x31c3);
    expect(slotOf("")).toBe(0);
  });

  it("spreads the shards' hash tags evenly over the slot space", () => {
    for (const shards of [1, 3, 16, 100]) {
      const slots = shardTags(shards).map(slotOf);
      slots.forEach((slot, k) => {
        expect(slot).toBeGreaterThanOrEqual(Math.floor((k * 16_384) / shards));
        expect(slot).toBeLessThan(Math.floor(((k + 1) * 16_384) / shards));
      });
    }
  });

  it("keeps tags stable, since they are part of stored keys", () => {
    expect(shardTags(16)).toEqual([
      "0-4",
      "1-3",
      "2-43",
      "3-40",
      "4-13",
      "5-10",
      "6-20",
      "7-23",
      "8-43",
      "9",
      "10-3",
      "11-4",
      "12-11",
      "13-12",
      "14-40",
      "15-43",
    ]);
    expect(createKeyLayout("app:", 2, "kp:")).toMatchObject({
      bases: ["app:{0-1}:", expect.stringMatching(/^app:\{1(-\d+)?\}:$/)],
      scriptBases: ["kp:app:{0-1}:", expect.stringMatching(/^kp:app:\{1(-\d+)?\}:$/)],
    });
    expect(shardOf("session-id", 16)).toBe(shardOf("session-id", 16));
  });

  it("spreads ids evenly over the shards", () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf(`id-${i}-${i * 7919}`, 16)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});
