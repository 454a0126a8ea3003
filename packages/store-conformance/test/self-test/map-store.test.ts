import { randomUUID } from "node:crypto";
import { testSessionStore } from "../../src/index.js";
import { FlakyMap } from "./flaky-map.js";
import { mapStore } from "./map-store.js";

// The example store of docs/writing-a-store.md, with every optional group on:
// many stores share one map (isolated by prefix), records can be corrupted,
// and the map can go down.
const map = new FlakyMap();
const prefixes = new WeakMap<object, string>();

testSessionStore({
  name: "mapStore (docs example)",
  createStore() {
    const prefix = `test-${randomUUID()}:`;
    const store = mapStore(map, { prefix });
    prefixes.set(store, prefix);
    return store;
  },
  async corrupt(store, id) {
    map.set(`${prefixes.get(store)}row:${id}`, "{not json");
  },
  outage: map.outage(),
});
