import { createAuth } from "@sessionkit/auth";
import { type RedisBackend, startRedis } from "@sessionkit/store-conformance/backends";
import { redisStore } from "@sessionkit/store-redis";
import Redis from "ioredis";
import { NextRequest } from "next/server.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Issue 11's budget, counted at a real Redis client: 15 requests on one session within 10 s cost
// at most 16 round trips and at most one session Set-Cookie (31 and 15 before throttled rolling).
const APP = "https://app.example.com";
const SECRET = "burst-test-secret-0123456789abcdef0123456789";

let backend: RedisBackend;
let client: Redis;
let sent = 0;

beforeAll(async () => {
  backend = await startRedis();
  client = new Redis(backend.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  await client.connect();
  // Every command ioredis sends goes through sendCommand: one call is one round trip.
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<typeof send>) => {
    sent++;
    return send(...args);
  }) as typeof client.sendCommand;
});

afterAll(async () => {
  client?.disconnect();
  await backend?.close();
});

async function burst(options: { updateAge?: number }) {
  const auth = createAuth({
    secret: SECRET,
    appBaseUrl: APP,
    env: {},
    logger: { warn() {}, error() {} },
    sessionStore: redisStore(client, { prefix: `burst:${crypto.randomUUID()}:` }),
    ...options,
  });
  const saved = new Response(null);
  await auth.saveSession(new Request(`${APP}/`), saved, {
    user: { sub: "burst-user" },
    tokenSet: { accessToken: "at", refreshToken: "rt" },
    internal: { iss: "https://op.example/", sid: "sid-burst" },
  });
  let cookie = saved.headers.getSetCookie()[0]!.split(";")[0]!;
  const before = sent;
  let setCookies = 0;
  for (let i = 0; i < 15; i++) {
    const response = await auth.middleware(
      new NextRequest(`${APP}/api/item/${i}`, { headers: { cookie } }),
    );
    const written = response.headers.getSetCookie().filter((c) => c.startsWith("__session"));
    setCookies += written.length;
    if (written[0]) cookie = written[0].split(";")[0]!;
  }
  const roundTrips = sent - before;
  const alive = await auth.getSession(new Request(`${APP}/`, { headers: { cookie } }));
  return { roundTrips, setCookies, alive: alive !== null };
}

describe("a burst of requests on one Redis session", () => {
  it("15 requests within 10 s: at most 16 Redis round trips and at most one session Set-Cookie", async () => {
    const { roundTrips, setCookies, alive } = await burst({});
    expect(roundTrips, "Redis round trips for 15 requests").toBeLessThanOrEqual(16);
    expect(setCookies, "session Set-Cookie headers for 15 requests").toBeLessThanOrEqual(1);
    expect(alive, "the session survived the burst").toBe(true);
  });

  it("the count is real: rolling on every request (updateAge 0) costs a touch and a cookie each", async () => {
    const { roundTrips, setCookies } = await burst({ updateAge: 0 });
    expect(roundTrips).toBeGreaterThanOrEqual(30);
    expect(setCookies).toBe(15);
  });
});
