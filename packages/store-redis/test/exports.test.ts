// The public API as an app sees it: only the package entry, imported by name.
// After a deliberate change: `pnpm exec vitest run -u --project <package> exports.test`, then `pnpm api:update`.
import * as entry from "@sessionkit/store-redis";
import { describe, expect, it } from "vitest";

describe("@sessionkit/store-redis entry point", () => {
  it("exports the driver factory and nothing unplanned", () => {
    expect(Object.keys(entry).sort()).toMatchInlineSnapshot(`
      [
        "redisStore",
      ]
    `);
    expect(typeof entry.redisStore).toBe("function");
  });
});
