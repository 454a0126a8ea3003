import { testSessionStore } from "@sessionkit/store-conformance";
import { startRedis } from "@sessionkit/store-conformance/backends";
import { Redis } from "ioredis6";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { aSession, inOneMinute, randomPrefix } from "./support.js";

// The peer range is ioredis 5 and 6; the other files run on 5 (the devDependency `ioredis`),
// this one on 6 (`ioredis6`, an npm alias), as an app that ran `npm install ioredis` today has it.
// An app's types come from the one ioredis it installed; here both are installed, hence the cast.
type Client = Parameters<typeof redisStore>[0];

let backend: Awaited<ReturnType<typeof startRedis>>;
let client: Redis | undefined;

beforeAll(async () => {
  backend = await startRedis();
});
afterAll(async () => {
  client?.disconnect();
  await backend?.close();
});

/** One app client, created as the store README recommends (an error listener). */
function shared(): Redis {
  if (!client) {
    client = new Redis({ host: backend.host, port: backend.port });
    client.on("error", () => {});
  }
  return client;
}

describe("ioredis 6", () => {
  it("is the major the alias installs", async () => {
    const { createRequire } = await import("node:module");
    const version = createRequire(import.meta.url)("ioredis6/package.json").version as string;
    expect(version.split(".")[0]).toBe("6");
  });

  it("round-trips a session through the package entry", async () => {
    const store = redisStore(shared() as unknown as Client, { prefix: randomPrefix() });
    const session = aSession("alice", "sid-1");
    await store.set("id-1", session, inOneMinute());
    expect(await store.get("id-1")).toEqual(session);
    expect(await store.deleteByLogoutToken({ iss: session.internal.iss, sid: "sid-1" })).toBe(1);
  });
});

testSessionStore({
  name: "redisStore (ioredis 6)",
  createStore: () => redisStore(shared() as unknown as Client, { prefix: randomPrefix() }),
  outage: {
    stop: () => backend.stop(),
    start: () => backend.start(),
  },
});
