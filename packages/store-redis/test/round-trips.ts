import { serializeSession } from "@sessionkit/auth/store";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisStoreClient, redisStore } from "../src/index.js";
import { createKeyLayout, indexRef, sessionKey, shardOf } from "../src/key-layout.js";
import type { LuaScript } from "../src/scripts.js";
import * as allScripts from "../src/scripts.js";
import { encodeStoredValue } from "../src/stored-value.js";
import { aSession, inOneMinute, listened, randomPrefix, sleep, type Target } from "./support.js";

interface Seen {
  /** Commands the client sent (one per round trip on its connection). */
  sent: string[][];
  /** Commands scripts ran inside Redis. */
  scripted: string[][];
}

/**
 * A MONITOR connection. Not `redis.monitor()`: on a busy server the first monitored line can
 * arrive in the same packet as MONITOR's OK, before ioredis switches the connection to
 * monitoring, and ioredis then emits a "Command queue state error" that nothing can catch.
 * Lines from before that switch precede every fence, so losing them loses nothing measured.
 */
function startMonitor(node: { host: string; port: number }) {
  return new Promise<Redis>((resolve, reject) => {
    const monitor = new Redis({ ...node, monitor: true, maxRetriesPerRequest: 1 });
    monitor.on("error", () => {});
    monitor.once("monitoring", () => resolve(monitor));
    monitor.once("end", () => reject(new Error(`MONITOR on ${node.host}:${node.port} ended`)));
  });
}

/** Watches every master with MONITOR and attributes commands to one operation at a time. */
async function watch(target: Target) {
  const logs = target.nodes.map(() => [] as { args: string[]; source: string }[]);
  const monitors = await Promise.all(target.nodes.map(startMonitor));
  for (const [i, monitor] of monitors.entries()) {
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      logs[i]!.push({ args: args.map((arg, j) => (j === 0 ? arg.toLowerCase() : arg)), source });
    });
  }
  const markers = target.nodes.map((node) => listened(new Redis(node)));
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
      for (const redis of [...monitors, ...markers]) redis.disconnect();
    },
  };
}

/**
 * Loads every script of the store on every master: the first EVALSHA of a script on a server
 * that lacks it costs one EVAL more, which is not what a test of round trips measures.
 */
async function loadScripts(target: Target) {
  const scripts = Object.values(allScripts).filter(
    (value): value is LuaScript => typeof value === "object" && "lua" in value,
  );
  await Promise.all(
    target.nodes.map(async (node) => {
      const redis = listened(new Redis(node));
      try {
        for (const { lua } of scripts) await redis.script("LOAD", lua);
      } finally {
        redis.disconnect();
      }
    }),
  );
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
      await loadScripts(target());
      watcher = await watch(target());
    });
    afterAll(() => {
      client.disconnect();
      watcher.close();
    });

    it("get, set, update and delete each send one command", async () => {
      const store = redisStore(client, { prefix: randomPrefix(), shards });

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

    it("touch, the lease and the logout-token claim each send one command", async () => {
      const store = redisStore(client, { prefix: randomPrefix(), shards });
      await store.set("t", aSession("u", "s"), inOneMinute());

      const touch = await measure(() => store.touch("t", inOneMinute()));
      expect(names(touch.sent)).toEqual(["evalsha"]);
      // Inside the script: the value, its expiry, both index entries; no rewrite of the session.
      expect(names(touch.scripted)).not.toContain("set");
      expect(names(touch.scripted)).toContain("setrange");
      expect(names((await measure(() => store.touch("none", inOneMinute()))).sent)).toEqual([
        "evalsha",
      ]);
      const past = { expiresAt: Date.now() - 1 };
      expect(names((await measure(() => store.touch("t", past))).sent)).toEqual(["evalsha"]);
      const until = Date.now() + 10_000;
      for (const operation of [
        () => store.acquireRefreshLease("t", "h", until),
        () => store.acquireRefreshLease("t", "h", until),
        () => store.releaseRefreshLease("t", "h"),
      ]) {
        expect(names((await measure(operation)).sent)).toEqual(["evalsha"]);
      }
      expect(
        names((await measure(() => store.claimLogoutToken("jti", until))).sent).concat(
          names((await measure(() => store.releaseLogoutToken("jti"))).sent),
        ),
      ).toEqual(["evalsha", "del"]);
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

    it("listSessions sends one command (one per shard on a Cluster)", async () => {
      const store = redisStore(client, { prefix: randomPrefix(), shards });
      for (let i = 0; i < 5; i++) await store.set(`l-${i}`, aSession("me"), inOneMinute());
      let listed = 0;
      const seen = await measure(async () => {
        listed = (await store.listSessions({ iss: "https://op.example", sub: "me" })).length;
      });
      expect(listed).toBe(5);
      expect(names(seen.sent)).toEqual(Array(target().cluster ? shards : 1).fill("evalsha"));
    });

    it("never sends KEYS or SCAN, nor runs them in a script", () => {
      const commands = all.flatMap(({ sent, scripted }) => [...sent, ...scripted]);
      expect(commands.length).toBeGreaterThan(0);
      const forbidden = new Set(["keys", "scan", "sscan", "zscan", "hscan"]);
      expect(commands.filter(([name]) => forbidden.has(name!.toLowerCase()))).toEqual([]);
    });
  });
}

/**
 * Writes (or, with `mode` "clear", deletes) sessions of other users straight in the store's
 * documented key layout, from inside Redis. KEYS: any key of the shard (routes the call).
 * ARGV: mode, base, expiresAt, ref head, ref tail, JSON head, JSON tail, users, then the
 * numbers n of the ids `other-<n>`; user `other-<n % users>` owns `other-<n>`.
 */
const fillScript = `
local mode, base, expiresAt = ARGV[1], ARGV[2], ARGV[3]
local users = tonumber(ARGV[8])
for i = 9, #ARGV do
  local n = tonumber(ARGV[i])
  local sub = 'other-' .. (n % users)
  local index = base .. 'u:' .. ARGV[4] .. sub .. ARGV[5]
  if mode == 'clear' then
    redis.call('DEL', base .. 's:other-' .. n, index)
  else
    local value = expiresAt .. '\\n' .. ARGV[4] .. sub .. ARGV[5] .. '\\n\\n' .. ARGV[6] .. sub .. ARGV[7]
    redis.call('SET', base .. 's:other-' .. n, value, 'PX', 120000)
    redis.call('ZADD', index, expiresAt, 'other-' .. n)
    redis.call('PEXPIRE', index, 120000)
  end
end
`;

/**
 * Stores `count` sessions of other users (five per user, spread over the shards like real
 * ones) in the layout `redisStore` writes, far faster than `count` calls of `set`.
 * Answers a function that deletes them again.
 */
async function fillOthers(client: RedisStoreClient, prefix: string, shards: number, count: number) {
  const { bases } = createKeyLayout(prefix, shards, "");
  const iss = "https://op.example";
  const users = Math.ceil(count / 5);
  const byShard = bases.map(() => [] as number[]);
  for (let n = 0; n < count; n++) byShard[shardOf(`other-${n}`, shards)]!.push(n);
  const [refHead, refTail] = indexRef(iss, "\u0000").split("\\u0000") as [string, string];
  // One session for the template and the sample: aSession reads the clock, which may tick between.
  const template = aSession("\u0000");
  const sessionOf = (sub: string) => ({ ...template, user: { ...template.user, sub } });
  const [jsonHead, jsonTail] = serializeSession(sessionOf("\u0000")).split("\\u0000") as [
    string,
    string,
  ];
  // What the script builds must be exactly what the store writes.
  const sample = encodeStoredValue(
    Date.now(),
    indexRef(iss, "other-1"),
    "",
    serializeSession(sessionOf("other-1")),
  );
  expect(sample.split("\n").slice(1).join("\n")).toBe(
    `${refHead}other-1${refTail}\n\n${jsonHead}other-1${jsonTail}`,
  );
  const run = (mode: "fill" | "clear", expiresAt: number) =>
    Promise.all(
      byShard.map(async (numbers, shard) => {
        const base = bases[shard]!;
        for (let from = 0; from < numbers.length; from += 10_000) {
          await client.eval(
            fillScript,
            1,
            sessionKey(base, "route"),
            mode,
            base,
            expiresAt,
            refHead,
            refTail,
            jsonHead,
            jsonTail,
            users,
            ...numbers.slice(from, from + 10_000),
          );
        }
      }),
    );
  await run("fill", Date.now() + 120_000);
  return () => run("clear", 0).then(() => {});
}

/**
 * listSessions of one user with few and with very many other sessions stored: the same
 * commands sent and the same commands run inside Redis. Its own MONITOR, started after the
 * fill, so the fill costs no monitoring.
 */
export function describeListScaling(target: () => Target, large: number, shards = 16) {
  describe("listSessions round trips", () => {
    let client: RedisStoreClient;
    beforeAll(async () => {
      client = target().connect();
      await loadScripts(target());
    });
    afterAll(() => client.disconnect());

    // The timeout covers filling a busy machine's Redis; nothing here measures time.
    it(`costs the same with 100 or ${large.toLocaleString("en")} other sessions in the store`, {
      timeout: 120_000,
    }, async () => {
      const costs: Seen[] = [];
      for (const others of [100, large]) {
        const prefix = randomPrefix();
        const store = redisStore(client, { prefix, shards, operationTimeoutSeconds: 0 });
        for (let i = 0; i < 50; i++) {
          await store.set(`me-${i}`, aSession("me", `ms-${i}`), inOneMinute());
        }
        const clear = await fillOthers(client, prefix, shards, others);
        const watcher = await watch(target());
        try {
          let listed = 0;
          costs.push(
            await watcher.measure(async () => {
              listed = (await store.listSessions({ iss: "https://op.example", sub: "me" })).length;
            }),
          );
          expect(listed).toBe(50);
          // The others are really there, and really someone's sessions.
          const some = await store.listSessions({ iss: "https://op.example", sub: "other-1" });
          expect(some.length).toBe(5);
        } finally {
          watcher.close();
          await clear();
        }
      }
      const [small, big] = costs as [Seen, Seen];
      const names = (commands: string[][]) => commands.map((args) => args[0]!.toLowerCase());
      expect(names(small.sent)).toEqual(Array(target().cluster ? shards : 1).fill("evalsha"));
      expect(names(big.sent)).toEqual(names(small.sent));
      expect(names(big.scripted).sort()).toEqual(names(small.scripted).sort());
      const forbidden = new Set(["keys", "scan", "sscan", "zscan", "hscan"]);
      expect(names([...big.sent, ...big.scripted]).filter((name) => forbidden.has(name))).toEqual(
        [],
      );
    });
  });
}
