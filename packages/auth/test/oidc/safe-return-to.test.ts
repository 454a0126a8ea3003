import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeReturnTo } from "../../src/oidc/safe-return-to.js";

const base = "https://app.example";

const openRedirects: string[] = [
  "//evil.com",
  "///evil.com",
  "////evil.com",
  "/\\evil.com",
  "/\\/evil.com",
  "\\\\evil.com",
  "\\/evil.com",
  "https:evil.com",
  "https:/evil.com",
  "http://evil.com",
  "https://evil.com/",
  "//evil.com/%2F..",
  "/%2F%2Fevil.com",
  "/%2f%2fevil.com",
  "/%252F%252Fevil.com",
  "/%5Cevil.com",
  "/%5C%5Cevil.com",
  "/%09/evil.com",
  "/\t/evil.com",
  "/\n/evil.com",
  "/\r\n/evil.com",
  "\t//evil.com",
  " //evil.com",
  "/.//evil.com",
  "/./\\evil.com",
  "java\nscript:alert(1)",
  "javascript:alert(1)",
  "JavaScript:alert(1)",
  "javascript://app.example/%0aalert(1)",
  "vbscript:msgbox(1)",
  "data:text/html,<script>alert(1)</script>",
  "https://app.example@evil.com",
  "https://app.example@evil.com/",
  "https://app.example\\@evil.com",
  "https://app.example%40evil.com",
  "https://evil.com@app.example/",
  "https://user:password@app.example/",
  "https://app.example.evil.com/",
  "https://app.example:8443/",
  "http://app.example/",
  "\uFF0F\uFF0Fevil.com",
  "/\uFF0Fevil.com",
  "\u2215\u2215evil.com",
  "\u2044\u2044evil.com",
  "\u3002evil.com",
  "evil.com",
  "%2F%2Fevil.com",
  "/\u0000/evil.com",
  "",
  "x".repeat(5000),
];

describe("safeReturnTo", () => {
  it(`refuses ${openRedirects.length} open-redirect payloads`, () => {
    expect(openRedirects.length).toBeGreaterThanOrEqual(20);
    const accepted = openRedirects.filter((payload) => safeReturnTo(payload, base) !== undefined);
    expect(accepted).toEqual([]);
  });

  it("refuses what is not a string", () => {
    for (const value of [undefined, null, 42, {}, ["/x"], new URL("https://app.example/")]) {
      expect(safeReturnTo(value, base)).toBeUndefined();
    }
  });

  it("keeps same-origin paths and URLs, as absolute URLs on the app", () => {
    expect(safeReturnTo("/", base)).toBe("https://app.example/");
    expect(safeReturnTo("/dashboard", base)).toBe("https://app.example/dashboard");
    expect(safeReturnTo("/a/b?c=1&d=%2F%2F#frag", base)).toBe(
      "https://app.example/a/b?c=1&d=%2F%2F#frag",
    );
    expect(safeReturnTo("/search?q=hello%20world", base)).toBe(
      "https://app.example/search?q=hello%20world",
    );
    expect(safeReturnTo("https://app.example/settings", base)).toBe("https://app.example/settings");
    expect(safeReturnTo("/caf\u00e9", base)).toBe("https://app.example/caf%C3%A9");
    expect(safeReturnTo("/x", "http://localhost:3000/base")).toBe("http://localhost:3000/x");
  });

  it("only ever answers undefined or an URL on the app's origin (property)", () => {
    const payloads = fc.oneof(
      fc.string(),
      fc.string({ unit: "grapheme" }),
      fc.webUrl(),
      fc.webPath(),
      fc
        .array(
          fc.constantFrom("/", "\\", "%2F", "%5C", "\t", "\n", ".", "@", ":", "evil.com", "\uFF0F"),
          {
            maxLength: 8,
          },
        )
        .map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(payloads, (payload) => {
        const result = safeReturnTo(payload, base);
        if (result === undefined) return true;
        const url = new URL(result);
        return url.origin === base && url.username === "" && !url.pathname.startsWith("//");
      }),
      { numRuns: 1000 },
    );
  });
});
