import { memoryStore, type SessionStore } from "@sessionkit/auth/store";
import {
  testBasics,
  testLogoutTokenReplay,
  testRefreshLease,
  testSessionStore,
} from "../../src/index.js";

// The reference store passes the whole suite (it has no way to plant corrupt
// records or to go down; the example store in map-store.test.ts covers those groups).
testSessionStore({ name: "memoryStore()", createStore: () => memoryStore() });

// Sweeping on every write, so the sweep itself is checked: it must only ever drop what has
// expired (the default sweeps once a minute, longer than any test's store lives).
const sweeping = {
  name: "memoryStore({ sweepIntervalSeconds: 0 })",
  createStore: () => memoryStore({ sweepIntervalSeconds: 0 }),
};
testBasics(sweeping);
testLogoutTokenReplay(sweeping);
testRefreshLease(sweeping);

// A store without the optional extensions: their groups say they are skipped by design.
const requiredOnly = (): SessionStore => {
  const {
    claimLogoutToken: _claim,
    releaseLogoutToken: _release,
    acquireRefreshLease: _acquire,
    releaseRefreshLease: _releaseLease,
    ...store
  } = memoryStore();
  return store;
};
testLogoutTokenReplay({ name: "memoryStore() without extensions", createStore: requiredOnly });
testRefreshLease({ name: "memoryStore() without extensions", createStore: requiredOnly });
