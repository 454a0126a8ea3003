import type { SessionStore } from "@sessionkit/auth/store";
import { testSessionStore } from "@sessionkit/store-conformance";
import type { BackendHandle } from "@sessionkit/store-conformance/backends";
import { afterAll } from "vitest";
import { type RedisStoreClient, redisStore } from "../src/index.js";
import { createKeyLayout, sessionKey, shardOf } from "../src/key-layout.js";
import { randomPrefix, type Target } from "./support.js";

/** The conformance suite, every group, on one shared app client with default settings. */
export function describeConformance(
  name: string,
  target: () => Target,
  backend: () => BackendHandle,
) {
  let client: RedisStoreClient | undefined;
  const prefixes = new WeakMap<SessionStore, string>();
  const shared = () => {
    if (!client) {
      client = target().connect();
      // Apps should listen too: without a listener ioredis prints every reconnect failure.
      client.on("error", () => {});
    }
    return client;
  };
  afterAll(() => client?.disconnect());

  testSessionStore({
    name: `redisStore (${name})`,
    createStore() {
      const prefix = randomPrefix();
      const store = redisStore(shared(), { prefix });
      prefixes.set(store, prefix);
      return store;
    },
    async corrupt(store, id) {
      const layout = createKeyLayout(prefixes.get(store)!, 16, "");
      const key = sessionKey(layout.bases[shardOf(id, 16)]!, id);
      // A header that parses, then JSON cut short: what a torn write would leave.
      const header = `${Date.now() + 60_000}\n["https://op.example","x"]\n\n`;
      await shared().set(key, `${header}{"user":{"sub":`, "PX", 60_000);
    },
    outage: {
      stop: () => backend().stop(),
      start: () => backend().start(),
    },
  });
}
