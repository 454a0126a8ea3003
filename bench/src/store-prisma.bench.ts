// `pnpm --filter @sessionkit/bench bench:prisma`: prismaStore's get, update, touch and
// listSessions (Prisma 7 + @prisma/adapter-pg) against raw `pg` queries doing the same work on
// the same server and table: same rows, same JSON parse and shape check, same conditional
// UPDATE, same index read. listSessions reads 50 sessions of one user from a table of 100 rows
// and from one of 100,000 rows: an index read should cost the same in both.
// prismaStore is the built package (run `pnpm build` first); the Prisma client is the one
// the store-prisma tests generate from the shipped model. The server: DATABASE_URL_POSTGRES,
// else a container, else a local PostgreSQL in a temp dir (see @sessionkit/store-conformance).
import { parseStoredSession, type SessionData, serializeSession } from "@sessionkit/auth/store";
import { startPostgres } from "@sessionkit/store-conformance/backends";
import { prismaStore } from "@sessionkit/store-prisma";
import { do_not_optimize, measure } from "mitata";
import pg from "pg";
import { postgresDatabase } from "../../packages/store-prisma/test/support/postgresql.ts";
import { sessionkitSession } from "./session-fixture.ts";

const backend = await startPostgres();
// One connection on each side: the numbers are per-call latency, not pool throughput.
const database = await postgresDatabase({ url: backend.url }, { logQueries: false, poolSize: 1 });
const context = await database.createContext();
const store = prismaStore(context.prisma);
const raw = new pg.Pool({ connectionString: backend.url, max: 1 });
const table = context.table;

const session = sessionkitSession as SessionData;
const expiresAt = Date.now() + 3_600_000;

// A table that is not empty: 10k other sessions.
await context.prisma.$executeRawUnsafe(
  `INSERT INTO ${table} (id, data, iss, sid, sub, expires_at, created_at)
   SELECT 'other-' || g, $1, $2, 'sid-' || g, 'sub-' || g, $3, $3 FROM generate_series(1, 10000) g`,
  serializeSession(session),
  session.internal.iss,
  BigInt(expiresAt),
);
await store.set("bench-prisma", session, { expiresAt });
await store.set("bench-raw", session, { expiresAt });
await context.prisma.$executeRawUnsafe(`ANALYZE ${table}`);

// listSessions: one user with 50 sessions, in a table of `total` rows (the others are other
// users' rows with a small `data`: an index read never looks at them).
const LISTED = 50;
const owner = { iss: session.internal.iss, sub: "bench-list-user" };
const listedSession = { ...session, user: { ...session.user, sub: owner.sub } };
async function listTable(total: number) {
  const listContext = await database.createContext();
  const now = BigInt(Date.now());
  await listContext.prisma.$executeRawUnsafe(
    `INSERT INTO ${listContext.table} (id, data, iss, sid, sub, expires_at, created_at)
     SELECT 'mine-' || g, $1, $2, 'sid-mine-' || g, $3, $4, $5 FROM generate_series(1, ${LISTED}) g`,
    serializeSession(listedSession),
    owner.iss,
    owner.sub,
    BigInt(expiresAt),
    now,
  );
  await listContext.prisma.$executeRawUnsafe(
    `INSERT INTO ${listContext.table} (id, data, iss, sid, sub, expires_at, created_at)
     SELECT 'other-' || g, '{}', $1, 'sid-' || g, 'sub-' || g, $2, $3
     FROM generate_series(1, ${total - LISTED}) g`,
    owner.iss,
    BigInt(expiresAt),
    now,
  );
  await listContext.prisma.$executeRawUnsafe(`ANALYZE ${listContext.table}`);
  return { listContext, listStore: prismaStore(listContext.prisma) };
}
const small = await listTable(100);
const large = await listTable(100_000);

/** What `listSessions` does, by hand: one SELECT on the (iss, sub) index, parse and shape check. */
async function rawList(listTableName: string) {
  const { rows } = await raw.query<{ id: string; data: string; expires_at: string }>(
    `SELECT id, data, expires_at FROM ${listTableName} WHERE iss = $1 AND sub = $2 AND expires_at > $3`,
    [owner.iss, owner.sub, String(Date.now())],
  );
  const list = [];
  for (const row of rows) {
    const stored = parseStoredSession(row.data);
    if (stored) list.push({ id: row.id, session: stored, expiresAt: Number(row.expires_at) });
  }
  return list;
}

/** What `get` does, by hand: one SELECT by primary key, expiry check, parse and shape check. */
async function rawGet(id: string): Promise<SessionData | null> {
  const { rows } = await raw.query<{ data: string; expires_at: string }>(
    `SELECT data, expires_at FROM ${table} WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row || BigInt(row.expires_at) <= BigInt(Date.now())) return null;
  return parseStoredSession(row.data);
}

/** What `touch` does, by hand: one UPDATE of the expiry alone, only of a live row. */
async function rawTouch(id: string, until: number): Promise<boolean> {
  const result = await raw.query(
    `UPDATE ${table} SET expires_at = $1 WHERE id = $2 AND expires_at > $3`,
    [String(until), id, String(Date.now())],
  );
  return (result.rowCount ?? 0) > 0;
}

/** What `update` does, by hand: one UPDATE that only touches a live row. */
async function rawUpdate(id: string, value: SessionData, until: number): Promise<boolean> {
  const result = await raw.query(
    `UPDATE ${table} SET data = $1, iss = $2, sid = $3, sub = $4, expires_at = $5
     WHERE id = $6 AND expires_at > $7`,
    [
      serializeSession(value),
      value.internal.iss,
      value.internal.sid ?? null,
      value.user.sub,
      String(until),
      id,
      String(Date.now()),
    ],
  );
  return (result.rowCount ?? 0) > 0;
}

// Warm both paths (Prisma compiles its query plans on first use), then measure them in turns.
for (let i = 0; i < 200; i++) {
  await store.get("bench-prisma");
  await rawGet("bench-raw");
}

// Both must really find and write the session, or the numbers mean nothing.
if ((await store.get("bench-prisma"))?.user.sub !== session.user.sub) {
  throw new Error("prismaStore found no session");
}
if ((await rawGet("bench-raw"))?.user.sub !== session.user.sub) {
  throw new Error("raw pg found no session");
}
if (!(await store.update("bench-prisma", session, { expiresAt }))) {
  throw new Error("prismaStore did not update");
}
if (!(await rawUpdate("bench-raw", session, expiresAt))) throw new Error("raw pg did not update");
if (!(await store.touch("bench-prisma", { expiresAt })))
  throw new Error("prismaStore did not touch");
if (!(await rawTouch("bench-raw", expiresAt))) throw new Error("raw pg did not touch");
for (const [size, { listContext, listStore }] of [
  ["100", small],
  ["100,000", large],
] as const) {
  const listed = await listStore.listSessions(owner);
  const rawListed = await rawList(listContext.table);
  if (listed.length !== LISTED || rawListed.length !== LISTED) {
    throw new Error(
      `listSessions in ${size} rows found ${listed.length} (raw ${rawListed.length}), not ${LISTED}`,
    );
  }
  for (let i = 0; i < 50; i++) await listStore.listSessions(owner);
}

const rows: Array<[string, () => Promise<unknown>, () => Promise<unknown>]> = [
  ["get(id)", () => store.get("bench-prisma"), () => rawGet("bench-raw")],
  [
    "update(id, session)",
    () => store.update("bench-prisma", session, { expiresAt }),
    () => rawUpdate("bench-raw", session, expiresAt),
  ],
  [
    "touch(id)",
    () => store.touch("bench-prisma", { expiresAt }),
    () => rawTouch("bench-raw", expiresAt),
  ],
  [
    `listSessions, ${LISTED} of 100 rows`,
    () => small.listStore.listSessions(owner),
    () => rawList(small.listContext.table),
  ],
  [
    `listSessions, ${LISTED} of 100,000 rows`,
    () => large.listStore.listSessions(owner),
    () => rawList(large.listContext.table),
  ],
];

// The median, not the mean: on a shared machine a few slow round trips skew the mean.
const time = async (fn: () => Promise<unknown>) =>
  (
    await measure(async () => do_not_optimize(await fn()), {
      min_cpu_time: 1_000_000_000, // 1 s of samples per cell
    })
  ).p50;

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const results: string[][] = [["", "prismaStore", "raw pg", "ratio (prisma / raw)"]];
const medians = new Map<string, number>();
// Two rounds over every row, both sides in turns, best median of each cell: background load
// on a shared machine then hits every cell alike (the 100-row and 100,000-row lists included).
const best = rows.map(() => [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
for (let round = 0; round < 2; round++) {
  for (const [i, [, prismaFn, rawFn]] of rows.entries()) {
    best[i]![0] = Math.min(best[i]![0]!, await time(prismaFn));
    best[i]![1] = Math.min(best[i]![1]!, await time(rawFn));
  }
}
for (const [i, [name]] of rows.entries()) {
  const [a, b] = best[i] as [number, number];
  results.push([name, us(a), us(b), `${(a / b).toFixed(2)}×`]);
  medians.set(name, a);
}

const widths = results[0]!.map((_, i) => Math.max(...results.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `session JSON ${serializeSession(session).length} B, PostgreSQL (${backend.source}), node ${process.version}, median time per call`,
);
console.log(line(results[0]!));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of results.slice(1)) console.log(line(row));
const ratio = (x: string, y: string) => (medians.get(x)! / medians.get(y)!).toFixed(2);
console.log(
  `prismaStore touch / update: ${ratio("touch(id)", "update(id, session)")}×; listSessions 100,000 rows / 100 rows: ${ratio(`listSessions, ${LISTED} of 100,000 rows`, `listSessions, ${LISTED} of 100 rows`)}×`,
);

await context.destroy();
await small.listContext.destroy();
await large.listContext.destroy();
await database.close();
await raw.end();
await backend.close();
