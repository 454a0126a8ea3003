// `pnpm bench` (second part): what a burst of requests on one session costs the store and the
// browser. 15 requests within 10 s through `middleware`, as a page with many API calls sends them,
// counted at the store: Redis commands from `INFO commandstats` of a server of our own, and the
// session `Set-Cookie` headers the responses carry. The browser side is simulated: each request
// carries the cookie the previous response set.
import { createAuth } from "@sessionkit/auth";
import { startRedis } from "@sessionkit/store-conformance/backends";
import { redisStore } from "@sessionkit/store-redis";
import Redis from "ioredis";
import { NextRequest } from "next/server.js";
import { appBaseUrl, secret } from "./session-fixture.ts";

const backend = await startRedis({ sources: ["local"] });
const client = new Redis(backend.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
client.on("error", () => {});
await client.connect();

// Every command goes through sendCommand; count them (a script's inner calls are not round trips).
let sent = 0;
const send = client.sendCommand.bind(client);
client.sendCommand = ((...args: Parameters<typeof send>) => {
  sent++;
  return send(...args);
}) as typeof client.sendCommand;
const commands = async () => sent;

const newSession = {
  user: { sub: "burst-user", name: "Burst" },
  tokenSet: { accessToken: "at", refreshToken: "rt", idToken: "it" },
  internal: { iss: "https://op.example/", sid: "sid-burst" },
};

/** Signs in, then sends 15 requests; answers store commands and session Set-Cookie headers. */
async function burst(options: { stateful: boolean; updateAge?: number }) {
  const auth = createAuth({
    secret,
    appBaseUrl,
    env: {},
    logger: { warn() {}, error() {} },
    ...(options.stateful
      ? { sessionStore: redisStore(client, { prefix: `burst:${Math.random()}:` }) }
      : {}),
    ...(options.updateAge === undefined ? {} : { updateAge: options.updateAge }),
  });
  const saved = new Response(null);
  await auth.saveSession(new Request(`${appBaseUrl}/`), saved, newSession);
  let cookie = saved.headers.getSetCookie()[0]!.split(";")[0]!;
  const before = await commands();
  let setCookies = 0;
  for (let i = 0; i < 15; i++) {
    const response = await auth.middleware(
      new NextRequest(`${appBaseUrl}/api/item/${i}`, { headers: { cookie } }),
    );
    const written = response.headers.getSetCookie().filter((c) => c.startsWith("__session"));
    setCookies += written.length;
    if (written[0]) cookie = written[0].split(";")[0]!;
  }
  const roundTrips = (await commands()) - before;
  if (!(await auth.getSession(new Request(`${appBaseUrl}/`, { headers: { cookie } })))) {
    throw new Error("the session was lost during the burst");
  }
  return { roundTrips, setCookies };
}

const rows = [
  ["Redis, default (updateAge 60 s)", await burst({ stateful: true })],
  [
    "Redis, updateAge 0 (a roll on every request, as before throttling)",
    await burst({ stateful: true, updateAge: 0 }),
  ],
  ["cookie sessions, default", await burst({ stateful: false })],
  ["cookie sessions, updateAge 0", await burst({ stateful: false, updateAge: 0 })],
] as const;

console.log(
  "\n15 requests on one session within 10 s (each carries the cookie the last response set)",
);
console.log("| configuration | store round trips | session Set-Cookie headers |");
console.log("| --- | --- | --- |");
for (const [name, { roundTrips, setCookies }] of rows) {
  console.log(`| ${name} | ${roundTrips} | ${setCookies} |`);
}
client.disconnect();
await backend.close();
