export { testBackChannelLogout } from "./suite/back-channel-logout.js";
export { testBasics } from "./suite/basics.js";
export { testConcurrency } from "./suite/concurrency.js";
export { testCorruptData } from "./suite/corrupt-data.js";
export { testExpiry } from "./suite/expiry.js";
export { testFaults } from "./suite/faults.js";
export { testFidelity } from "./suite/fidelity.js";
export { testIsolation } from "./suite/isolation.js";
export { testListSessions } from "./suite/list-sessions.js";
export { testLogoutTokenReplay } from "./suite/logout-token-replay.js";
export type { TestSessionStoreOptions } from "./suite/options.js";
export { testRefreshLease } from "./suite/refresh-lease.js";
export type {
  ConformanceGroupResult,
  ConformanceReport,
  ConformanceRuleResult,
} from "./suite/report.js";
export { testSessionStore } from "./suite/test-session-store.js";
export { testTouch } from "./suite/touch.js";
export { testUpdate } from "./suite/update.js";
