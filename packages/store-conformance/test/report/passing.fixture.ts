// Run only by report.test.ts, in a child Vitest: a store without the optional extensions,
// declaring neither `corrupt` nor `outage`, so the report has groups skipped for both reasons.
import { memoryStore, type SessionStore } from "@sessionkit/auth/store";
import { testSessionStore } from "../../src/index.js";

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

testSessionStore({
  name: "memoryStore() without extensions",
  createStore: requiredOnly,
  report: process.env.REPORT_PASSING!,
});
