import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");

describe("docs/writing-a-store.md", () => {
  it("shows the example store exactly as the self-test runs it", () => {
    const doc = read("../../../docs/writing-a-store.md");
    const source = read("./self-test/map-store.ts");
    expect(doc).toContain(source.trim());
  });
});
