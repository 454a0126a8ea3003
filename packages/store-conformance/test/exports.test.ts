// The public API as a store author sees it: only the package's entry points, imported by name.
// After a deliberate change: `pnpm exec vitest run -u --project <package> exports.test`, then `pnpm api:update`.
import * as suite from "@sessionkit/store-conformance";
import * as backends from "@sessionkit/store-conformance/backends";
import { describe, expect, it } from "vitest";

const names = (entry: object) => Object.keys(entry).sort();

describe("@sessionkit/store-conformance entry points", () => {
  it("@sessionkit/store-conformance", () => {
    expect(names(suite)).toMatchInlineSnapshot(`
      [
        "testBackChannelLogout",
        "testBasics",
        "testConcurrency",
        "testCorruptData",
        "testExpiry",
        "testFaults",
        "testFidelity",
        "testIsolation",
        "testListSessions",
        "testLogoutTokenReplay",
        "testRefreshLease",
        "testSessionStore",
        "testTouch",
        "testUpdate",
      ]
    `);
    expect(typeof suite.testSessionStore).toBe("function");
  });

  it("@sessionkit/store-conformance/backends", () => {
    expect(names(backends)).toMatchInlineSnapshot(`
      [
        "BackendError",
        "backendImage",
        "backendImageEnvVars",
        "backendImages",
        "startDynamoDb",
        "startMySql",
        "startPostgres",
        "startRedis",
        "startRedisCluster",
      ]
    `);
  });
});
