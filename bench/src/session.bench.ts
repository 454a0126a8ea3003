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

const ours = createAuth({ secret, appBaseUrl, logger: { warn() {}, error() {} } });
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
  ["middleware(request)", () => ours.middleware(ourRequest), () => theirs.middleware(theirRequest)],
];

// Other processes share this machine: alternate the two libraries in short
// rounds and keep each one's median, so a burst of load hits both alike.
const ROUNDS = 7;
const time = async (fn: () => Promise<unknown>) =>
  (await measure(async () => do_not_optimize(await fn()), { min_cpu_time: 150_000_000 })).avg;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const table: string[][] = [["", "sessionkit", "@auth0/nextjs-auth0 4.30", "ratio"]];
for (const [name, ourFn, theirFn] of rows) {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(await time(ourFn));
    b.push(await time(theirFn));
  }
  table.push([name, us(median(a)), us(median(b)), `${(median(b) / median(a)).toFixed(1)}× faster`]);
}
console.warn = warn;

const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(`cookie: sessionkit ${ourCookie.length} B, nextjs-auth0 ${theirCookie.length} B`);
console.log(
  `node ${process.version}; median of ${ROUNDS} alternating rounds of mean time per call`,
);
console.log(line(table[0]!));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of table.slice(1)) console.log(line(row));
