import { randomUUID } from "node:crypto";
import { testSessionStore } from "../../src/index.js";
import { FlakyMap } from "./flaky-map.js";
import { mapStore } from "./map-store.js";

// The example store of docs/writing-a-store.md, with every optional group on:
// many stores share one map (isolated by prefix), records can be corrupted,
// and the map can go down.
const map = new FlakyMap();
const prefixes = new WeakMap<object, string>();
let plants = 0;

testSessionStore({
  name: "mapStore (docs example)",
  createStore() {
    const prefix = `test-${randomUUID()}:`;
    const store = mapStore(map, { prefix });
    prefixes.set(store, prefix);
    return store;
  },
  // Each plant is another kind of unreadable record, so every defence of the store is run.
  async corrupt(store, id) {
    const until = Date.now() + 600_000;
    const kinds = [
      "{not json",
      JSON.stringify({ json: "{not json", expiresAt: until, iss: "", sub: "" }),
      JSON.stringify({ json: 42, expiresAt: until }),
      JSON.stringify({ json: "{}", expiresAt: "tomorrow" }),
      "null",
    ];
    map.set(`${prefixes.get(store)}row:${id}`, kinds[plants++ % kinds.length]!);
  },
  outage: map.outage(),
});
