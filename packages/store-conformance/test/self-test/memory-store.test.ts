import { memoryStore } from "@sessionkit/auth/store";
import { testSessionStore } from "../../src/index.js";

// The reference store passes the whole suite (it has no way to plant corrupt
// records or to go down; the example store in map-store.test.ts covers those groups).
testSessionStore({ name: "memoryStore()", createStore: () => memoryStore() });
