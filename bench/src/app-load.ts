// `pnpm bench:app`: bench/app (Next.js 16, `next start`, proxy.ts) built once with sessionkit and
// once with @auth0/nextjs-auth0 4.30, under autocannon load, per session store. Every response is
// checked (status 200 and the marker of the user whose cookie was sent). Writes
// docs/benchmarks/app-results.json and the charts (app-charts.ts).
// Env: BENCH_APP_DURATION (seconds per run, default 5), BENCH_APP_ROUNDS (default 4),
// BENCH_APP_CONNECTIONS (default 10), BENCH_APP_SKIP_BUILD=1 (reuse bench/app/.next-*),
// BENCH_APP_STORES (comma list, default cookie,redis,prisma,dynamodb), BENCH_APP_CPU_PROF=<dir>
// (a V8 CPU profile of each app).
import { execFileSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, request as httpRequest } from "node:http";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SessionStore } from "@sessionkit/auth";
import { startDynamoDb, startPostgres, startRedis } from "@sessionkit/store-conformance/backends";
import { createSessionTable, dynamoDbStore } from "@sessionkit/store-dynamodb";
import { prismaStore } from "@sessionkit/store-prisma";
import { redisStore } from "@sessionkit/store-redis";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import pg from "pg";
import { nextjsAuth0RedisStore } from "../app/lib/nextjs-auth0-redis-store.ts";
import { renderCharts } from "./app-charts.ts";
import {
  type AppServer,
  appDir,
  buildApp,
  freePort,
  type Library,
  startApp,
} from "./app-server.ts";
import { nextjsAuth0Pool, type PooledSession, sessionkitPool } from "./app-sessions.ts";

const DURATION = Number(process.env.BENCH_APP_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_APP_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_APP_CONNECTIONS ?? 10);
const WARMUP = 3;
const USERS = 200;
const STORES = (process.env.BENCH_APP_STORES ?? "cookie,redis,prisma,dynamodb").split(",");
const started = Date.now();

const secret = "bench-app-secret-0123456789abcdef0123456789abcdef";
const issuer = "https://op.bench.example/";
const appEnv = {
  AUTH_SECRET: secret,
  AUTH_ISSUER: issuer,
  AUTH_CLIENT_ID: "bench-client",
  AUTH_CLIENT_SECRET: "bench-client-secret",
  AUTH0_SECRET: secret,
  AUTH0_DOMAIN: "op.bench.example",
  AUTH0_CLIENT_ID: "bench-client",
  AUTH0_CLIENT_SECRET: "bench-client-secret",
};
const endpoints = [
  { name: "route", path: "/api/session", label: "route handler" },
  { name: "page", path: "/", label: "page" },
] as const;
/** The floors: Next.js alone (outside the proxy), and with a proxy that passes the request on. */
const floors = [
  { name: "floor", store: "floor", path: "/api/none", label: "route handler" },
  { name: "floor", store: "floor-proxy", path: "/api/proxy-only", label: "route handler" },
] as const;
type Endpoint = (typeof endpoints)[number] | (typeof floors)[number];

const elapsed = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};
const progress = (line: string) => process.stdout.write(`\r\x1b[K[${elapsed()}] ${line}`);
const say = (line: string) => process.stdout.write(`\r\x1b[K[${elapsed()}] ${line}\n`);

// 1. Both builds of the same source.
if (process.env.BENCH_APP_SKIP_BUILD !== "1") {
  progress("generating the Prisma client of bench/app");
  execFileSync(process.execPath, [join(appDir, "scripts/generate-prisma.mjs")]);
  for (const library of ["sessionkit", "nextjs-auth0"] as const) {
    progress(`next build (${library}) …`);
    await buildApp(library);
    say(`built bench/app with ${library}`);
  }
}

// 2. The servers: isolated ones of our own, so counters and keys are the bench's alone.
interface StoreSetup {
  env: Record<string, string>;
  sessionkit: () => SessionStore | undefined;
  nextjsAuth0?: () => ReturnType<typeof nextjsAuth0RedisStore> | undefined;
  /** Store operations counted at the server since the last `resetOps`. */
  resetOps?: () => Promise<void>;
  readOps?: () => Promise<Record<string, number>>;
  /** Counters the server only publishes a while after the work (PostgreSQL flushes ≤ 10 s late). */
  opsAreLate?: boolean;
  close: () => Promise<void>;
}

async function redisSetup(): Promise<StoreSetup> {
  const backend = await startRedis({ sources: ["local"] });
  const client = new Redis(backend.url, { maxRetriesPerRequest: 1 });
  const prefix = "bench-app:";
  return {
    env: { REDIS_URL: backend.url, BENCH_REDIS_PREFIX: prefix },
    sessionkit: () => redisStore(client, { prefix: `${prefix}sk:` }),
    nextjsAuth0: () => nextjsAuth0RedisStore(client, `${prefix}a0:`),
    resetOps: async () => {
      await client.config("RESETSTAT");
    },
    readOps: async () => {
      const info = await client.info("commandstats");
      const ops: Record<string, number> = {};
      for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
        // The bench's own INFO and CONFIG are not the app's.
        if (!/^(info|config)/.test(name!)) ops[name!] = Number(calls);
      }
      return ops;
    },
    close: async () => {
      client.disconnect();
      await backend.close();
    },
  };
}

async function prismaSetup(): Promise<StoreSetup> {
  const backend = await startPostgres();
  const schema = `bench_app_${Date.now()}`;
  const admin = new pg.Client({ connectionString: backend.url });
  await admin.connect();
  const migrations = join(
    appDir,
    "../node_modules/@sessionkit/store-prisma/prisma/migrations/postgresql",
  );
  await admin.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`);
  for (const folder of (await readdir(migrations)).sort()) {
    await admin.query(await readFile(join(migrations, folder, "migration.sql"), "utf8"));
  }
  // Imported here, not at the top: the client is generated by step 1 of this very run.
  const { PrismaClient } = await import("../app/generated/prisma/client.ts");
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: backend.url, max: 2 }, { schema }),
  });
  const counters = async () => {
    const { rows } = await admin.query<Record<string, string>>(
      `SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) AS scans, n_tup_upd AS updates,
              n_tup_ins AS inserts
         FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'sessionkit_sessions'`,
      [schema],
    );
    const row = rows[0]!;
    return { scans: Number(row.scans), updates: Number(row.updates), inserts: Number(row.inserts) };
  };
  let base = { scans: 0, updates: 0, inserts: 0 };
  return {
    env: { DATABASE_URL: backend.url, BENCH_PG_SCHEMA: schema },
    sessionkit: () => prismaStore(prisma),
    resetOps: async () => {
      base = await counters();
    },
    readOps: async () => {
      const now = await counters();
      return {
        "table scans (index or sequential)": now.scans - base.scans,
        "rows updated": now.updates - base.updates,
      };
    },
    opsAreLate: true,
    close: async () => {
      await prisma.$disconnect();
      await admin.end();
      await backend.close();
    },
  };
}

/**
 * DynamoDB Local keeps no counters: the app reaches it through a small HTTP relay of ours that
 * counts each request by its operation (the `X-Amz-Target` header: GetItem, UpdateItem, …).
 */
async function countingRelay(target: string) {
  const ops: Record<string, number> = {};
  const upstream = new URL(target);
  const server = createHttpServer((request, response) => {
    const operation = String(request.headers["x-amz-target"] ?? "unknown")
      .split(".")
      .pop()!;
    ops[operation] = (ops[operation] ?? 0) + 1;
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on("error", () => response.destroy());
    request.pipe(forward);
  });
  const port = await freePort();
  await new Promise<void>((listening) => server.listen(port, "127.0.0.1", listening));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    ops,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

async function dynamoDbSetup(): Promise<StoreSetup> {
  const backend = await startDynamoDb();
  const relay = await countingRelay(backend.endpoint);
  const tableName = `bench-app-${Date.now()}`;
  const client = new DynamoDBClient({
    endpoint: backend.endpoint,
    region: backend.region,
    credentials: backend.credentials,
  });
  await createSessionTable(client, { tableName });
  return {
    env: {
      DYNAMODB_ENDPOINT: relay.endpoint,
      DYNAMODB_TABLE: tableName,
      AWS_REGION: backend.region,
      AWS_ACCESS_KEY_ID: backend.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: backend.credentials.secretAccessKey,
    },
    sessionkit: () => dynamoDbStore(client, { tableName }),
    resetOps: async () => {
      for (const operation of Object.keys(relay.ops)) delete relay.ops[operation];
    },
    readOps: async () => ({ ...relay.ops }),
    close: async () => {
      client.destroy();
      await relay.close();
      await backend.close();
    },
  };
}

const setups: Record<string, () => Promise<StoreSetup>> = {
  cookie: async () => ({
    env: {},
    sessionkit: () => undefined,
    nextjsAuth0: () => undefined,
    close: async () => {},
  }),
  redis: redisSetup,
  prisma: prismaSetup,
  dynamodb: dynamoDbSetup,
};
const storeLabels: Record<string, string> = {
  floor: "Next.js alone (floor)",
  "floor-proxy": "Next.js + empty proxy (floor)",
  cookie: "cookie sessions",
  redis: "Redis",
  prisma: "PostgreSQL (Prisma)",
  dynamodb: "DynamoDB Local",
};

// 3. Load: one autocannon run, every response checked.
interface RunResult {
  store: string;
  library: Library | "no library";
  endpoint: "route" | "page";
  round: number;
  /** Responses received (and checked) before the deadline. */
  requests: number;
  /** Requests sent: the received ones and those in flight at the deadline, which the app served. */
  sent: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  cpuMsPerRequest: number;
  /** `__session` Set-Cookie headers per response: how often the session was rolled. */
  sessionCookiesPerRequest: number;
  storeOps?: Record<string, number>;
  storeOpsPerRequest?: number;
}

/** What a browser does with a response's cookies: adopt a rolled `__session`, count the rolls. */
function adoptSessionCookie(user: PooledSession, headers: Record<string, string | string[]>) {
  let rolled = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== "set-cookie") continue;
    for (const line of Array.isArray(value) ? value : [value]) {
      const pair = line.split(";")[0]!;
      if (!pair.startsWith("__session=")) continue;
      rolled++;
      if (pair.length > "__session=".length) user.cookie = pair;
    }
  }
  return rolled;
}

async function load(
  app: AppServer,
  endpoint: Endpoint,
  pool: PooledSession[],
  seconds: number,
  label: string,
) {
  let next = Math.floor(Math.random() * pool.length);
  let failures = 0;
  let checked = 0;
  let rolled = 0;
  let firstFailure = "";
  type Context = { user?: PooledSession };
  const cpuBefore = app.cpuMs();
  const instance = autocannon({
    url: app.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: "GET",
        path: endpoint.path,
        setupRequest: (request, context) => {
          if (pool.length === 0) return request; // the floor sends no cookie
          const user = pool[next++ % pool.length]!;
          (context as Context).user = user;
          return { ...request, headers: { ...request.headers, cookie: user.cookie } };
        },
        onResponse: (status, body, context, headers) => {
          checked++;
          const user = (context as Context).user;
          if (user)
            rolled += adoptSessionCookie(user, headers as Record<string, string | string[]>);
          // The marker ends in `"` (JSON) or `<` (HTML): user 5 is not user 50.
          const marker = user ? `session-ok:${user.sub}` : "no-auth";
          if (status === 200 && (body.includes(`${marker}"`) || body.includes(`${marker}<`))) {
            return;
          }
          failures++;
          firstFailure ||= `status ${status}: ${body.slice(0, 200)}`;
        },
      },
    ],
  });
  const startedAt = Date.now();
  const timer = setInterval(() => {
    const done = Math.min(seconds, Math.round((Date.now() - startedAt) / 1000));
    progress(`${label} ${done}/${seconds} s`);
  }, 1000);
  const result = await instance;
  clearInterval(timer);
  // autocannon stops at the deadline with requests in flight; the app still serves them. Wait
  // until it is idle, and count CPU and store work per request *sent* (each one reached the app).
  let cpuAfter = app.cpuMs();
  for (let idle = 0, waited = 0; idle < 2 && waited < 15_000; waited += 300) {
    await new Promise((wait) => setTimeout(wait, 300));
    const now = app.cpuMs();
    idle = now === cpuAfter ? idle + 1 : 0;
    cpuAfter = now;
  }
  const cpuMs = cpuAfter - cpuBefore;
  const total = result.requests.total;
  const sent = (result.requests as { sent?: number }).sent ?? total;
  // A warm-up on a stalled machine may see no response at all; a measured run must.
  const empty = total === 0 && seconds > WARMUP;
  if (failures > 0 || result.errors > 0 || result.timeouts > 0 || checked < total || empty) {
    throw new Error(
      `${label}: ${failures} of ${checked} checked responses (${total} sent) did not show the ` +
        `user's session; ${result.errors} errors, ${result.timeouts} timeouts. First: ` +
        `${firstFailure}\n${app.output()}`,
    );
  }
  return {
    requests: total,
    sent,
    requestsPerSecond: total / seconds,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    cpuMsPerRequest: cpuMs / sent,
    sessionCookiesPerRequest: rolled / checked,
  };
}

const runs: RunResult[] = [];
const loadBefore = loadavg();
for (const store of STORES) {
  const label = storeLabels[store] ?? store;
  progress(`starting ${label}`);
  const setup = await setups[store]!().catch((error: unknown) => {
    say(`skipped ${label}: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  });
  if (!setup) continue;
  const libraries: Library[] = setup.nextjsAuth0 ? ["sessionkit", "nextjs-auth0"] : ["sessionkit"];
  const apps = new Map<Library, AppServer>();
  const pools = new Map<Library, PooledSession[]>();
  for (const library of libraries) {
    progress(`${label}: starting the ${library} app and ${USERS} sessions`);
    apps.set(library, await startApp(library, { ...appEnv, BENCH_STORE: store, ...setup.env }));
    pools.set(
      library,
      library === "sessionkit"
        ? await sessionkitPool(USERS, { secret, issuer, store: setup.sessionkit() })
        : await nextjsAuth0Pool(USERS, { secret, store: setup.nextjsAuth0?.() }),
    );
  }
  // First requests open pools and compile code: a few one at a time, each checked, then a
  // short warm-up under load (JIT), checked like every run.
  for (const library of libraries) {
    for (const endpoint of endpoints) {
      for (const user of pools.get(library)!.slice(0, 5)) {
        const response = await fetch(`${apps.get(library)!.url}${endpoint.path}`, {
          headers: { cookie: user.cookie },
          signal: AbortSignal.timeout(120_000),
        });
        const body = await response.text();
        if (response.status !== 200 || !body.includes(`session-ok:${user.sub}`)) {
          throw new Error(`${label} · ${library}: ${response.status} ${body.slice(0, 200)}`);
        }
      }
    }
  }
  // Warm each app on each endpoint (JIT, connection pools); checked like every run.
  for (const endpoint of endpoints) {
    for (const library of libraries) {
      await load(apps.get(library)!, endpoint, pools.get(library)!, WARMUP, `${label} warm-up`);
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which library goes first, so neither always runs on the warmer machine.
    const order = round % 2 === 0 ? libraries : [...libraries].reverse();
    for (const endpoint of endpoints) {
      for (const library of order) {
        const name = `${label} · ${endpoint.label} · ${library} · round ${round + 1}/${ROUNDS}`;
        if (!setup.opsAreLate) await setup.resetOps?.();
        const measured = await load(
          apps.get(library)!,
          endpoint,
          pools.get(library)!,
          DURATION,
          name,
        );
        const storeOps = setup.opsAreLate ? undefined : await setup.readOps?.();
        const opsTotal = storeOps && Object.values(storeOps).reduce((a, b) => a + b, 0);
        runs.push({
          store,
          library,
          endpoint: endpoint.name,
          round,
          ...measured,
          ...(storeOps ? { storeOps, storeOpsPerRequest: opsTotal! / measured.sent } : {}),
        });
        say(
          `${name}: ${Math.round(measured.requestsPerSecond)} req/s, p99 ${measured.latencyP99Ms} ms`,
        );
      }
    }
    for (const floor of store === "cookie" ? floors : []) {
      const name = `${storeLabels[floor.store]} · round ${round + 1}/${ROUNDS}`;
      const measured = await load(apps.get("sessionkit")!, floor, [], DURATION, name);
      runs.push({
        store: floor.store,
        library: "no library",
        endpoint: "route",
        round,
        ...measured,
      });
      say(`${name}: ${Math.round(measured.requestsPerSecond)} req/s`);
    }
  }
  // Counters published late (PostgreSQL flushes a backend's counts up to 10 s after its work):
  // one separate, checked run per app and endpoint, each between two waits.
  if (setup.opsAreLate && setup.readOps && setup.resetOps) {
    progress(`${label}: letting the server's counters settle`);
    await new Promise((wait) => setTimeout(wait, 11_000));
    for (const endpoint of endpoints) {
      for (const library of libraries) {
        await setup.resetOps();
        const measured = await load(
          apps.get(library)!,
          endpoint,
          pools.get(library)!,
          WARMUP,
          `${label} · ${endpoint.label} · counting store operations`,
        );
        progress(`${label}: waiting for the server's counters`);
        await new Promise((wait) => setTimeout(wait, 11_000));
        const storeOps = await setup.readOps();
        const opsTotal = Object.values(storeOps).reduce((a, b) => a + b, 0);
        for (const run of runs) {
          if (run.store === store && run.library === library && run.endpoint === endpoint.name) {
            run.storeOps = storeOps;
            run.storeOpsPerRequest = opsTotal / measured.sent;
          }
        }
      }
    }
  }
  for (const app of apps.values()) await app.stop();
  await setup.close();
}

// 4. Summary: the median of the rounds for each cell.
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const summary = [];
for (const store of ["floor", "floor-proxy", ...STORES]) {
  for (const endpoint of endpoints) {
    for (const library of ["sessionkit", "nextjs-auth0", "no library"] as const) {
      const cell = runs.filter(
        (r) => r.store === store && r.endpoint === endpoint.name && r.library === library,
      );
      if (cell.length === 0) continue;
      const perRequestOps = cell.map((r) => r.storeOpsPerRequest).filter((v) => v !== undefined);
      summary.push({
        store,
        storeLabel: storeLabels[store] ?? store,
        endpoint: endpoint.name,
        endpointLabel: endpoint.label,
        library,
        requestsPerSecond: median(cell.map((r) => r.requestsPerSecond)),
        latencyP50Ms: median(cell.map((r) => r.latencyP50Ms)),
        latencyP99Ms: median(cell.map((r) => r.latencyP99Ms)),
        cpuMsPerRequest: median(cell.map((r) => r.cpuMsPerRequest)),
        storeOpsPerRequest: perRequestOps.length > 0 ? median(perRequestOps) : null,
        sessionCookiesPerRequest: median(cell.map((r) => r.sessionCookiesPerRequest)),
        storeOps: cell[0]!.storeOps ?? null,
      });
    }
  }
}

const version = async (pkg: string) =>
  (
    JSON.parse(await readFile(join(appDir, "../node_modules", pkg, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
const results = {
  command: "pnpm bench:app",
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageBefore: loadBefore.map((l) => Math.round(l * 10) / 10),
    loadAverageAfter: loadavg().map((l) => Math.round(l * 10) / 10),
  },
  versions: {
    node: process.version,
    next: await version("next"),
    "@sessionkit/auth": await version("@sessionkit/auth"),
    "@auth0/nextjs-auth0": await version("@auth0/nextjs-auth0"),
    autocannon: await version("autocannon"),
  },
  settings: {
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    rounds: ROUNDS,
    warmupSeconds: WARMUP,
    users: USERS,
  },
  summary,
  runs,
  totalSeconds: Math.round((Date.now() - started) / 1000),
};
const docs = join(appDir, "../../docs/benchmarks");
await writeFile(join(docs, "app-results.json"), `${JSON.stringify(results, null, 2)}\n`);
await renderCharts(results, docs);

const fmt = (n: number | null, digits = 0) => (n === null ? "n/a" : n.toFixed(digits));
const rows = [
  [
    "store",
    "endpoint",
    "library",
    "req/s",
    "p50 ms",
    "p99 ms",
    "CPU ms/req",
    "store ops/req",
    "rolls/req",
  ],
  ...summary.map((s) => [
    s.storeLabel,
    s.endpointLabel,
    s.library,
    fmt(s.requestsPerSecond),
    fmt(s.latencyP50Ms),
    fmt(s.latencyP99Ms),
    fmt(s.cpuMsPerRequest, 2),
    fmt(s.storeOpsPerRequest, 2),
    fmt(s.sessionCookiesPerRequest, 2),
  ]),
];
// Padded as biome formats Markdown tables, so the docs stay formatted after a rerun.
const widths = rows[0]!.map((_, i) => Math.max(3, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
const table = [
  line(rows[0]!),
  line(widths.map((w) => "-".repeat(w))),
  ...rows.slice(1).map(line),
].join("\n");
const { machine, versions, settings } = results;
const context =
  `${machine.cores} cores (${machine.cpu}), load average ${machine.loadAverageBefore[0]} at ` +
  `start and ${machine.loadAverageAfter[0]} at the end; Node ${versions.node.slice(1)}, Next ` +
  `${versions.next}, nextjs-auth0 ${versions["@auth0/nextjs-auth0"]}, autocannon ` +
  `${versions.autocannon}; ${settings.connections} connections, median of ${settings.rounds} ` +
  `runs of ${settings.durationSeconds} s; \`${results.command}\` on ${results.date.slice(0, 10)}, ` +
  `${(results.totalSeconds / 60).toFixed(1)} min in all.`;

// docs/benchmarks.md carries the table between two markers; a rerun rewrites it.
const page = join(docs, "../benchmarks.md");
const markdown = await readFile(page, "utf8").catch(() => null);
const START = "<!-- app-results:start -->";
const END = "<!-- app-results:end -->";
if (markdown?.includes(START) && markdown.includes(END)) {
  const before = markdown.slice(0, markdown.indexOf(START) + START.length);
  const after = markdown.slice(markdown.indexOf(END));
  await writeFile(page, `${before}\n\n${table}\n\n${context}\n\n${after}`);
}
// As the repository's formatter lays them out, so a rerun leaves `biome check` clean.
try {
  execFileSync(join(appDir, "../../node_modules/.bin/biome"), [
    "format",
    "--write",
    join(docs, "app-results.json"),
    page,
  ]);
} catch {
  say("biome could not format the results; run `pnpm format`");
}
say(`done in ${elapsed()}: docs/benchmarks/app-results.json, the charts and the table written\n`);
console.log(`${table}\n\n${context}`);
