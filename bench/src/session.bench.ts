// `pnpm bench`: getSession(request) and middleware(request) with a rolling
// session, sessionkit against @auth0/nextjs-auth0 4.30, same payload, same NextRequest.
// sessionkit is imported as users get it: the built package (packages/auth/dist).
import { Auth0Client } from "@auth0/nextjs-auth0/server";
import { generateSessionCookie as auth0Cookie } from "@auth0/nextjs-auth0/testing";
import { createAuth } from "@sessionkit/auth";
import { generateSessionCookie } from "@sessionkit/auth/testing";
import { do_not_optimize, measure } from "mitata";
import { NextRequest } from "next/server.js";
import { appBaseUrl, nextjsAuth0Session, secret, sessionkitSession } from "./session-fixture.ts";

// Configured like an app: with an OpenID Provider, so middleware mounts the /auth routes and
// looks each request up in its route table first (nothing is fetched until a route is used).
// `updateAge: 0` re-seals on every request, the same work nextjs-auth0's rolling middleware does;
// `oursThrottled` keeps the default, where a recently rolled session is not re-sealed.
const appOptions = {
  secret,
  appBaseUrl,
  issuer: "https://example.auth0.com/",
  clientId: "bench-client",
  clientSecret: "bench-client-secret",
  env: {},
  logger: { warn() {}, error() {} },
};
const ours = createAuth({ ...appOptions, updateAge: 0 });
const oursThrottled = createAuth(appOptions);
const theirs = new Auth0Client({
  domain: "example.auth0.com",
  clientId: "bench-client",
  clientSecret: "bench-client-secret",
  secret,
  appBaseUrl,
});
// Their size warning fires once per process; keep the table readable.
const warn = console.warn;
console.warn = () => {};

const ourCookie = await generateSessionCookie(sessionkitSession, { secret });
const theirCookie = await auth0Cookie(nextjsAuth0Session, { secret });
const request = (cookie: string) =>
  new NextRequest(`${appBaseUrl}/dashboard`, { headers: { cookie: `__session=${cookie}` } });
const ourRequest = request(ourCookie);
const theirRequest = request(theirCookie);

// Both must really find the session (and roll it), or the numbers mean nothing.
const check = async () => {
  const [a, b] = await Promise.all([ours.getSession(ourRequest), theirs.getSession(theirRequest)]);
  if (a?.user.sub !== sessionkitSession.user.sub) throw new Error("sessionkit found no session");
  if (b?.user.sub !== nextjsAuth0Session.user.sub) throw new Error("nextjs-auth0 found no session");
  const [c, d] = await Promise.all([ours.middleware(ourRequest), theirs.middleware(theirRequest)]);
  if (!c.headers.getSetCookie().some((s) => s.startsWith("__session=")))
    throw new Error("sessionkit's middleware did not roll the session");
  if (!d.headers.getSetCookie().some((s) => s.startsWith("__session=")))
    throw new Error("nextjs-auth0's middleware did not roll the session");
};
await check();

const rows: Array<[string, () => Promise<unknown>, () => Promise<unknown>]> = [
  ["getSession(request)", () => ours.getSession(ourRequest), () => theirs.getSession(theirRequest)],
  [
    "middleware(request), rolling",
    () => ours.middleware(ourRequest),
    () => theirs.middleware(theirRequest),
  ],
  [
    "middleware(request), throttled (our default)",
    () => oursThrottled.middleware(ourRequest),
    () => theirs.middleware(theirRequest),
  ],
];

// Run with --expose-gc (the bench script does): without it mitata forces a
// collection by allocating 1 GiB, whose clean-up lands inside samples.
// Other processes may share this machine: alternate the two libraries in
// short rounds and keep each one's best round: the least disturbed
// estimate of its cost, taken the same way for both. Wall time (mitata) is what a request waits; CPU time (all of the
// process's threads, so nextjs-auth0's Web Crypto work on the libuv pool
// counts) is what it costs, and moves less when the machine is busy.
const ROUNDS = 7;
const wall = async (fn: () => Promise<unknown>) =>
  (await measure(async () => do_not_optimize(await fn()), { min_cpu_time: 150_000_000 })).avg;
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
const cpu = async (fn: () => Promise<unknown>, calls: number) => {
  collect(); // start from a clean heap, as mitata does: no paying for the other library's garbage
  for (let i = 0; i < 200; i++) do_not_optimize(await fn()); // warm again after the collection
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) do_not_optimize(await fn());
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / calls;
};
const best = (values: number[]) => Math.min(...values);

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const ratio = (ours: number, theirs: number) => `${(theirs / ours).toFixed(1)}×`;
const table: string[][] = [
  [
    "",
    "sessionkit",
    "nextjs-auth0 4.30",
    "ratio",
    "CPU sessionkit",
    "CPU nextjs-auth0",
    "CPU ratio",
  ],
];
for (const [name, ourFn, theirFn] of rows) {
  const [a, b, ca, cb]: number[][] = [[], [], [], []];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(await wall(ourFn));
    b.push(await wall(theirFn));
    ca.push(await cpu(ourFn, Math.ceil(3e8 / a.at(-1)!)));
    cb.push(await cpu(theirFn, Math.ceil(3e8 / b.at(-1)!)));
  }
  const [wa, wb, xa, xb] = [a, b, ca, cb].map(best) as [number, number, number, number];
  table.push([name, us(wa), us(wb), ratio(wa, wb), us(xa), us(xb), ratio(xa, xb)]);
}
console.warn = warn;

const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(`cookie: sessionkit ${ourCookie.length} B, nextjs-auth0 ${theirCookie.length} B`);
console.log(
  `node ${process.version}; time per call, best of ${ROUNDS} alternating rounds; ratio = how many times faster sessionkit is`,
);
console.log(line(table[0]!));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of table.slice(1)) console.log(line(row));
