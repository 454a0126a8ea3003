import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisStoreClient, redisStore } from "../src/index.js";
import { aSession, inOneMinute, randomPrefix, sleep, type Target } from "./support.js";

interface Seen {
  /** Commands the client sent (one per round trip on its connection). */
  sent: string[][];
  /** Commands scripts ran inside Redis. */
  scripted: string[][];
}

/** Watches every master with MONITOR and attributes commands to one operation at a time. */
async function watch(target: Target) {
  const logs = target.nodes.map(() => [] as { args: string[]; source: string }[]);
  const bases = target.nodes.map((node) => new Redis(node));
  const monitors = await Promise.all(bases.map((base) => base.monitor()));
  for (const [i, monitor] of monitors.entries()) {
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      logs[i]!.push({ args: args.map((arg, j) => (j === 0 ? arg.toLowerCase() : arg)), source });
    });
  }
  const markers = target.nodes.map((node) => new Redis(node));
  let fences = 0;
  /** Every master has executed everything sent before this call. */
  const fence = async () => {
    const tag = `fence-${fences++}`;
    await Promise.all(markers.map((marker) => marker.echo(tag)));
    for (let i = 0; i < logs.length; i++) {
      while (!logs[i]!.some(({ args }) => args[0] === "echo" && args[1] === tag)) await sleep(2);
    }
    return tag;
  };
  const isFence = (args: string[]) => args[0] === "echo" && args[1]?.startsWith("fence-");
  // The client's own upkeep (slot map refresh, ready checks) is not an operation's cost.
  const upkeep = new Set(["cluster", "info", "command", "client", "ping"]);
  return {
    async measure(operation: () => Promise<unknown>): Promise<Seen> {
      const start = await fence();
      await operation();
      const end = await fence();
      const seen: Seen = { sent: [], scripted: [] };
      for (const log of logs) {
        const from = log.findIndex(({ args }) => args[1] === start);
        const to = log.findIndex(({ args }) => args[1] === end);
        for (const { args, source } of log.slice(from + 1, to)) {
          if (isFence(args) || upkeep.has(args[0]!)) continue;
          (source === "lua" ? seen.scripted : seen.sent).push(args);
        }
      }
      return seen;
    },
    close() {
      for (const redis of [...bases, ...monitors, ...markers]) redis.disconnect();
    },
  };
}

/** Round trips per operation, and never a KEYS or SCAN. */
export function describeRoundTrips(target: () => Target, shards = 16) {
  describe("round trips", () => {
    let client: RedisStoreClient;
    let watcher: Awaited<ReturnType<typeof watch>>;
    const all: Seen[] = [];
    const measure = async (operation: () => Promise<unknown>) => {
      const seen = await watcher.measure(operation);
      all.push(seen);
      return seen;
    };
    const names = (commands: string[][]) => commands.map((args) => args[0]);

    beforeAll(async () => {
      client = target().connect();
      watcher = await watch(target());
    });
    afterAll(() => {
      client.disconnect();
      watcher.close();
    });

    it("get, set, update and delete each send one command", async () => {
      const store = redisStore(client, { prefix: randomPrefix(), shards });
      // The first EVALSHA on a server that lacks the script costs one EVAL more.
      await store.set("warm", aSession("warm", "warm"), inOneMinute());
      await store.delete("warm");

      expect(names((await measure(() => store.get("none"))).sent)).toEqual(["get"]);
      expect(
        names((await measure(() => store.set("a", aSession("u", "s"), inOneMinute()))).sent),
      ).toEqual(["evalsha"]);
      expect(names((await measure(() => store.get("a"))).sent)).toEqual(["get"]);
      expect(
        names((await measure(() => store.update("a", aSession("u", "s"), inOneMinute()))).sent),
      ).toEqual(["evalsha"]);
      expect(
        names((await measure(() => store.update("b", aSession("u", "s"), inOneMinute()))).sent),
      ).toEqual(["evalsha"]);
      const past = { expiresAt: Date.now() - 1 };
      expect(names((await measure(() => store.set("a", aSession("u", "s"), past))).sent)).toEqual([
        "evalsha",
      ]);
      expect(names((await measure(() => store.delete("a"))).sent)).toEqual(["evalsha"]);
    });

    it("deleteByLogoutToken costs the same with 20 or 1,000 other sessions in the store", async () => {
      const costs: Seen[] = [];
      for (const others of [20, 1_000]) {
        // MONITOR slows the server down: no timeouts while filling.
        const store = redisStore(client, {
          prefix: randomPrefix(),
          shards,
          operationTimeoutSeconds: 0,
        });
        for (let from = 0; from < others; from += 500) {
          await Promise.all(
            Array.from({ length: Math.min(500, others - from) }, (_, i) =>
              store.set(
                `o-${from + i}`,
                aSession(`other-${(from + i) % 97}`, `os-${from + i}`),
                inOneMinute(),
              ),
            ),
          );
        }
        for (let i = 0; i < 5; i++)
          await store.set(`me-${i}`, aSession("me", `ms-${i}`), inOneMinute());
        let ended = 0;
        costs.push(
          await measure(async () => {
            ended = await store.deleteByLogoutToken({ iss: "https://op.example", sub: "me" });
          }),
        );
        expect(ended).toBe(5);
      }
      const [small, large] = costs as [Seen, Seen];
      // Standalone: every shard in one script. Cluster: one script per shard, sent at once.
      expect(names(small.sent)).toEqual(Array(target().cluster ? shards : 1).fill("evalsha"));
      expect(names(large.sent)).toEqual(names(small.sent));
      // The work inside Redis depends on the user's sessions, not on the store's size.
      expect(names(large.scripted).sort()).toEqual(names(small.scripted).sort());
    });

    it("never sends KEYS or SCAN, nor runs them in a script", () => {
      const commands = all.flatMap(({ sent, scripted }) => [...sent, ...scripted]);
      expect(commands.length).toBeGreaterThan(0);
      const forbidden = new Set(["keys", "scan", "sscan", "zscan", "hscan"]);
      expect(commands.filter(([name]) => forbidden.has(name!.toLowerCase()))).toEqual([]);
    });
  });
}
