import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AUTH_ERROR_STATUS } from "../src/errors.js";

const docs = readFileSync(new URL("../../../docs/configuration.md", import.meta.url), "utf8");

describe("docs/configuration.md#errors", () => {
  it("has a row for every error code, with the status the routes answer", () => {
    const rows = new Map<string, string>();
    for (const line of docs.split("\n")) {
      const match = /^\| `([A-Z_]+)` +\| ([^|]+)\|/.exec(line);
      if (match) rows.set(match[1]!, match[2]!.trim());
    }
    const codes = Object.entries(AUTH_ERROR_STATUS);
    expect(codes.length).toBeGreaterThan(15);
    for (const [code, status] of codes) {
      expect(rows.get(code), `docs/configuration.md has no row for ${code}`).toBeDefined();
      expect(rows.get(code), `the row of ${code} must say ${status}`).toMatch(
        new RegExp(`^${status}\\b`),
      );
    }
    const documented = [...rows.keys()].filter((code) => /^(AUTH|OIDC)_/.test(code));
    expect(documented.filter((code) => !(code in AUTH_ERROR_STATUS))).toEqual([]);
  });
});
