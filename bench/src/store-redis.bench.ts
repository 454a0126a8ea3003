// `pnpm --filter @sessionkit/bench bench:redis`: redisStore against raw ioredis doing the same
// work on the same dedicated redis-server (never the shared one: the 1M fill would hurt it).
// - get: one GET, expiry check, JSON parse and shape check, both sides.
// - update: one round trip that rewrites the session and refreshes its two index entries;
//   raw ioredis does it with MULTI (SET XX PX, 2×ZADD, 2×PEXPIRE). "raw SET XX PX" is the
//   floor: the session alone, no indexes, no liveness check.
// - touch against update: touch moves the expiry of the session and its index entries in one
//   script and never rewrites the session JSON.
// - deleteByLogoutToken for one sub with 5 sessions while the store holds 1k, then 1M sessions.
// - listSessions of one sub with 50 sessions while the store holds 100, 100k and 1M sessions
//   (target: ≤ 2 ms median, the same at every size).
// The machine may be busy: store and raw run in alternating rounds and the table shows medians.
// redisStore is the built package (run `pnpm build` first); the 1M fill writes the store's
// documented key layout with a server-side script, using the layout functions from its source.
import { loadavg } from "node:os";
import {
  parseStoredSession,
  type SessionData,
  type SessionStore,
  serializeSession,
} from "@sessionkit/auth/store";
import { startRedis } from "@sessionkit/store-conformance/backends";
import { redisStore } from "@sessionkit/store-redis";
import { Redis } from "ioredis";
import { do_not_optimize, measure } from "mitata";
import { createKeyLayout, shardOf } from "../../packages/store-redis/src/key-layout.ts";
import { sessionkitSession } from "./session-fixture.ts";

const backend = await startRedis({ sources: ["testcontainers", "local"] });
const client = new Redis(backend.url);
const store = redisStore(client, { prefix: "bench:" });

const session = sessionkitSession as SessionData;
const json = serializeSession(session);
const expiresAt = () => Date.now() + 3_600_000;
const iss = session.internal.iss;
const subIndex = `raw:u:${JSON.stringify([iss, session.user.sub])}`;
const sidIndex = `raw:i:${JSON.stringify([iss, session.internal.sid])}`;

await store.set("bench-store", session, { expiresAt: expiresAt() });
await client.set("raw:s:bench-raw", json, "PX", 3_600_000);

/** What `get` does, by hand. */
async function rawGet(id: string): Promise<SessionData | null> {
  const value = await client.get(`raw:s:${id}`);
  if (value === null) return null;
  const session = parseStoredSession(value);
  return session && session.internal.expiresAt > Date.now() ? session : null;
}

/** What `update` does, by hand: session and both index entries in one round trip. */
async function rawUpdate(id: string, value: SessionData, until: number): Promise<boolean> {
  const ttl = Math.ceil(until - Date.now());
  const replies = await client
    .multi()
    .set(`raw:s:${id}`, serializeSession(value), "PX", ttl, "XX")
    .zadd(subIndex, until, id)
    .zadd(sidIndex, until, id)
    .pexpire(subIndex, ttl)
    .pexpire(sidIndex, ttl)
    .exec();
  return replies?.[0]?.[1] === "OK";
}

/** The floor: the session alone. */
async function rawSet(id: string, value: SessionData, until: number): Promise<boolean> {
  const reply = await client.set(
    `raw:s:${id}`,
    serializeSession(value),
    "PX",
    Math.ceil(until - Date.now()),
    "XX",
  );
  return reply === "OK";
}

// Every path must really find and write sessions, or the numbers mean nothing.
if ((await store.get("bench-store"))?.user.sub !== session.user.sub) throw new Error("store get");
if ((await rawGet("bench-raw"))?.user.sub !== session.user.sub) throw new Error("raw get");
if (!(await store.update("bench-store", session, { expiresAt: expiresAt() }))) {
  throw new Error("store update");
}
if (!(await rawUpdate("bench-raw", session, expiresAt()))) throw new Error("raw update");
if (!(await rawSet("bench-raw", session, expiresAt()))) throw new Error("raw set");

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** Median ns per call, sequential calls (mitata's p50: robust to a busy machine's spikes). */
const latency = async (fn: () => Promise<unknown>) =>
  (await measure(async () => do_not_optimize(await fn()), { min_cpu_time: 100_000_000 })).p50;

/** Calls per second with `concurrency` calls in flight for `ms`. */
async function throughput(fn: () => Promise<unknown>, ms = 200, concurrency = 32) {
  let calls = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fn();
        calls++;
      }
    }),
  );
  return calls / (ms / 1000);
}

/** Alternating rounds of `probe` on store and raw (ABBA order): the median of each. */
async function compare(
  probe: (fn: () => Promise<unknown>) => Promise<number>,
  storeFn: () => Promise<unknown>,
  rawFn: () => Promise<unknown>,
  rounds = 16,
) {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      a.push(await probe(storeFn));
      b.push(await probe(rawFn));
    } else {
      b.push(await probe(rawFn));
      a.push(await probe(storeFn));
    }
  }
  return { store: median(a), raw: median(b) };
}

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const kops = (perSecond: number) => `${(perSecond / 1000).toFixed(1)}k/s`;
const table: string[][] = [["", "redisStore", "raw ioredis", "store speed / raw speed"]];
const rows: Array<[string, () => Promise<unknown>, () => Promise<unknown>]> = [
  ["get vs GET", () => store.get("bench-store"), () => rawGet("bench-raw")],
  [
    "update vs MULTI",
    () => store.update("bench-store", session, { expiresAt: expiresAt() }),
    () => rawUpdate("bench-raw", session, expiresAt()),
  ],
  [
    "update vs SET XX PX (floor)",
    () => store.update("bench-store", session, { expiresAt: expiresAt() }),
    () => rawSet("bench-raw", session, expiresAt()),
  ],
];
for (const [name, storeFn, rawFn] of rows) {
  await latency(storeFn);
  await latency(rawFn);
  const t = await compare(latency, storeFn, rawFn);
  table.push([`${name}: latency p50`, us(t.store), us(t.raw), (t.raw / t.store).toFixed(2)]);
  const q = await compare(throughput, storeFn, rawFn);
  table.push([`${name}: throughput`, kops(q.store), kops(q.raw), (q.store / q.raw).toFixed(2)]);
}

// touch against update, both redisStore: the roll a request makes with and without touch.
{
  if (!(await store.touch("bench-store", { expiresAt: expiresAt() }))) throw new Error("touch");
  const touchFn = () => store.touch("bench-store", { expiresAt: expiresAt() });
  const updateFn = () => store.update("bench-store", session, { expiresAt: expiresAt() });
  await latency(touchFn);
  const t = await compare(latency, touchFn, updateFn);
  table.push([
    "touch vs update: latency p50",
    `touch ${us(t.store)}`,
    `update ${us(t.raw)}`,
    (t.raw / t.store).toFixed(2),
  ]);
  const q = await compare(throughput, touchFn, updateFn);
  table.push([
    "touch vs update: throughput",
    `touch ${kops(q.store)}`,
    `update ${kops(q.raw)}`,
    (q.store / q.raw).toFixed(2),
  ]);
}

// The fill: small valid sessions, 5 per user, each with its sid, in the store's own layout
// (session key with PX, sub and sid sorted-set indexes scored by expiresAt).
const fillScript = `
local base, iss, exp, ttl, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
for i = 6, #ARGV, 2 do
  local id, n = ARGV[i], tonumber(ARGV[i + 1])
  local sub, sid = 'user-' .. math.floor(n / 5), 'sid-' .. n
  local subRef = '["' .. iss .. '","' .. sub .. '"]'
  local sidRef = '["' .. iss .. '","' .. sid .. '"]'
  local json = '{"user":{"sub":"' .. sub .. '"},"tokenSet":{},"internal":{"iss":"' .. iss ..
    '","sid":"' .. sid .. '","createdAt":' .. now .. ',"expiresAt":' .. exp .. '}}'
  redis.call('SET', base .. 's:' .. id, exp .. '\\n' .. subRef .. '\\n' .. sidRef .. '\\n' .. json, 'PX', ttl)
  redis.call('ZADD', base .. 'u:' .. subRef, exp, id)
  redis.call('PEXPIRE', base .. 'u:' .. subRef, ttl)
  redis.call('ZADD', base .. 'i:' .. sidRef, exp, id)
  redis.call('PEXPIRE', base .. 'i:' .. sidRef, ttl)
end
return 0
`;
const layout = createKeyLayout("bench:", 16, "");
/** Fills a store's server up to `total` sessions: small ones, 5 per user, 50k per pipeline. */
async function fill(redis: Redis, total: number) {
  const started = performance.now();
  const until = expiresAt();
  for (let filled = 0; filled < total; ) {
    const count = Math.min(50_000, total - filled);
    const byShard = layout.bases.map(() => [] as string[]);
    for (let n = filled; n < filled + count; n++) {
      const id = `fill-${n}`;
      byShard[shardOf(id, layout.shards)]!.push(id, String(n));
    }
    const pipeline = redis.pipeline();
    byShard.forEach((args, shard) => {
      const head = [layout.bases[shard]!, iss, until, until - Date.now(), Date.now()];
      pipeline.eval(fillScript, 0, ...head, ...args);
    });
    await pipeline.exec();
    filled += count;
  }
  return performance.now() - started;
}

/** deleteByLogoutToken for one sub with 5 sessions (recreated before each call): ns per call. */
async function logoutTimes(target: SessionStore, runs: number, times: number[] = []) {
  for (let run = 0; run < runs; run++) {
    const sub = `leaver-${run % 10}`;
    for (let i = 0; i < 5; i++) {
      await target.set(
        `leaver-${run}-${i}`,
        { ...session, user: { ...session.user, sub } },
        {
          expiresAt: expiresAt(),
        },
      );
    }
    const started = performance.now();
    const ended = await target.deleteByLogoutToken({ iss, sub });
    times.push((performance.now() - started) * 1e6);
    if (ended !== 5) throw new Error(`deleteByLogoutToken ended ${ended}, not 5`);
  }
  return times;
}

// Two more dedicated servers, one holding 1k sessions and one holding 1M, measured in
// alternating rounds so that a busy machine slows both alike.
const smallBackend = await startRedis({ sources: ["testcontainers", "local"] });
const largeBackend = await startRedis({ sources: ["testcontainers", "local"] });
const smallClient = new Redis(smallBackend.url);
const largeClient = new Redis(largeBackend.url);
const smallStore = redisStore(smallClient, { prefix: "bench:" });
const largeStore = redisStore(largeClient, { prefix: "bench:" });
await fill(smallClient, 1_000);
const fillMs = await fill(largeClient, 1_000_000);
// The filled sessions are real ones: the store reads them and back-channel logout ends them.
if ((await largeStore.get("fill-7"))?.user.sub !== "user-1") throw new Error("fill layout");
if ((await largeStore.deleteByLogoutToken({ iss, sub: "user-199999" })) !== 5) {
  throw new Error("fill indexes");
}
await logoutTimes(smallStore, 200); // warm-up
await logoutTimes(largeStore, 200);
const small: number[] = [];
const large: number[] = [];
for (let round = 0; round < 12; round++) {
  const order = round % 2 === 0 ? [small, large] : [large, small];
  for (const times of order)
    await logoutTimes(times === small ? smallStore : largeStore, 125, times);
}
const sizes = [await smallClient.dbsize(), await largeClient.dbsize()];
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
table.push(
  [
    "deleteByLogoutToken, 5 sessions: median",
    `1k: ${us(median(small))}`,
    `1M: ${us(median(large))}`,
    `1M / 1k: ${(median(large) / median(small)).toFixed(2)}`,
  ],
  [
    "deleteByLogoutToken, 5 sessions: mean",
    `1k: ${us(mean(small))}`,
    `1M: ${us(mean(large))}`,
    `1M / 1k: ${(mean(large) / mean(small)).toFixed(2)}`,
  ],
);

// listSessions of one user with 50 sessions, with 100, 100k and 1M sessions stored: three
// servers (the first one above, a new one, the 1M one), measured in alternating rounds.
const midBackend = await startRedis({ sources: ["testcontainers", "local"] });
const midClient = new Redis(midBackend.url);
const midStore = redisStore(midClient, { prefix: "bench:" });
await fill(client, 100);
await fill(midClient, 100_000);
const lister = { iss, sub: "lister" };
const listers = [
  ["100", store],
  ["100k", midStore],
  ["1M", largeStore],
] as const;
for (const [, target] of listers) {
  for (let i = 0; i < 50; i++) {
    await target.set(
      `lister-${i}`,
      { ...session, user: { ...session.user, sub: "lister" } },
      {
        expiresAt: expiresAt(),
      },
    );
  }
  if ((await target.listSessions(lister)).length !== 50) throw new Error("listSessions");
}
// Timed call by call, not with mitata: at 1–2 ms per call mitata takes a dozen samples per
// run, and one pause of a busy machine moves their p50. Here: 25 calls per server per round.
const listTimes = listers.map(() => [] as number[]);
for (const [, target] of listers) for (let i = 0; i < 20; i++) await target.listSessions(lister);
for (let round = 0; round < 12; round++) {
  const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
  for (const k of order) {
    for (let call = 0; call < 25; call++) {
      const started = performance.now();
      await listers[k]![1].listSessions(lister);
      listTimes[k]!.push((performance.now() - started) * 1e6);
    }
  }
}
const listSizes = [await client.dbsize(), await midClient.dbsize(), await largeClient.dbsize()];
table.push([
  "listSessions, 50 sessions: p50 of 300 calls",
  `100: ${us(median(listTimes[0]!))}, 100k: ${us(median(listTimes[1]!))}`,
  `1M: ${us(median(listTimes[2]!))}`,
  `100k / 100: ${(median(listTimes[1]!) / median(listTimes[0]!)).toFixed(2)}`,
]);

const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `session JSON ${json.length} B, redis-server (${backend.source}) ${backend.url}, node ${process.version}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )}; latency = p50 of sequential calls, throughput = 32 in flight; medians of 16 alternating rounds`,
);
console.log(line(table[0]!));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of table.slice(1)) console.log(line(row));
console.log(
  `1M sessions filled in ${(fillMs / 1000).toFixed(1)} s; keys on the 1k and 1M servers: ${sizes.join(", ")}; ` +
    `on the listSessions servers: ${listSizes.join(", ")}`,
);

for (const redis of [client, smallClient, largeClient, midClient]) redis.disconnect();
for (const server of [backend, smallBackend, largeBackend, midBackend]) await server.close();
