// The public API as an app sees it: only the package entry, imported by name.
// After a deliberate change: `pnpm exec vitest run -u --project <package> exports.test`, then `pnpm api:update`.
import * as entry from "@sessionkit/store-prisma";
import { describe, expect, it } from "vitest";

describe("@sessionkit/store-prisma entry point", () => {
  it("exports the driver factory and nothing unplanned", () => {
    expect(Object.keys(entry).sort()).toMatchInlineSnapshot(`
      [
        "prismaStore",
      ]
    `);
    expect(typeof entry.prismaStore).toBe("function");
  });
});
