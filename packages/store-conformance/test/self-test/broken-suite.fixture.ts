// Run only by broken-stores.test.ts, in a child Vitest: each broken store meets
// the group that must catch its bug. Every test here is expected to fail somewhere.
import type { SessionStore } from "@sessionkit/auth/store";
import {
  type TestSessionStoreOptions,
  testBackChannelLogout,
  testBasics,
  testConcurrency,
  testCorruptData,
  testExpiry,
  testFaults,
  testFidelity,
  testIsolation,
  testListSessions,
  testLogoutTokenReplay,
  testRefreshLease,
  testTouch,
  testUpdate,
} from "../../src/index.js";
import { brokenStores, type GroupName } from "./broken-stores.js";

const groups: Record<GroupName, (options: TestSessionStoreOptions<SessionStore>) => void> = {
  basics: testBasics,
  expiry: testExpiry,
  update: testUpdate,
  "back-channel logout": testBackChannelLogout,
  fidelity: testFidelity,
  isolation: testIsolation,
  concurrency: testConcurrency,
  "corrupt data": testCorruptData,
  faults: testFaults,
  touch: testTouch,
  "list sessions": testListSessions,
  "logout-token replay": testLogoutTokenReplay,
  "refresh lease": testRefreshLease,
};

const only = process.env.SESSIONKIT_BROKEN_STORE;
for (const broken of brokenStores) {
  if (only && broken.key !== only) continue;
  groups[broken.group]({
    name: `broken ${broken.key}`,
    createStore: broken.createStore,
    ...(broken.corrupt ? { corrupt: broken.corrupt } : {}),
    ...(broken.outage ? { outage: broken.outage } : {}),
  });
}
