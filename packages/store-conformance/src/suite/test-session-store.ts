import type { SessionStore } from "@sessionkit/auth/store";
import { testBackChannelLogout } from "./back-channel-logout.js";
import { testBasics } from "./basics.js";
import { testConcurrency } from "./concurrency.js";
import { testCorruptData } from "./corrupt-data.js";
import { testExpiry } from "./expiry.js";
import { testFaults } from "./faults.js";
import { testFidelity } from "./fidelity.js";
import { testIsolation } from "./isolation.js";
import { testListSessions } from "./list-sessions.js";
import { testLogoutTokenReplay } from "./logout-token-replay.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { testRefreshLease } from "./refresh-lease.js";
import { declareReport } from "./report.js";
import { testTouch } from "./touch.js";
import { testUpdate } from "./update.js";

/**
 * Declares the whole conformance suite for one store; call it at the top level
 * of a Vitest test file. The logout-token replay and refresh-lease groups run
 * when the store has `claimLogoutToken` and `acquireRefreshLease` (and say
 * "skipped by design" otherwise); the corrupt-data and fault groups run when the
 * options declare `corrupt` and `outage`. With `report` (or the `SESSIONKIT_CONFORMANCE_REPORT`
 * env var) it writes a JSON certificate of the run when the file is done.
 */
export function testSessionStore<S extends SessionStore>(
  options: TestSessionStoreOptions<S>,
): void {
  const o = validateOptions(options, "testSessionStore");
  const report = o.report ?? process.env.SESSIONKIT_CONFORMANCE_REPORT;
  if (report) {
    declareReport(report, o.name, [
      ...(o.corrupt ? [] : [{ group: "corrupt data", reason: "no `corrupt` option" }]),
      ...(o.outage ? [] : [{ group: "faults", reason: "no `outage` option" }]),
    ]);
  }
  testBasics(o);
  testExpiry(o);
  testUpdate(o);
  testTouch(o);
  testBackChannelLogout(o);
  testListSessions(o);
  testFidelity(o);
  testIsolation(o);
  testConcurrency(o);
  testLogoutTokenReplay(o);
  testRefreshLease(o);
  if (o.corrupt) testCorruptData(o);
  // Last: it takes the backend down, which no other test should meet.
  if (o.outage) testFaults(o);
}
