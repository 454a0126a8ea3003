import { describe, expect, it } from "vitest";
import { isLoopbackHost, isLoopbackHttp } from "../src/oidc/loopback.js";

describe("the one loopback rule (issuer http:, cookie Secure)", () => {
  it("knows localhost, 127.0.0.1 and ::1, bracketed or not, in any case", () => {
    for (const host of ["localhost", "LOCALHOST", "127.0.0.1", "[::1]", "::1"]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ["localhost.example", "127.0.0.2", "example.com", "", "0.0.0.0"]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it("only plain http on a loopback host is loopback http", () => {
    expect(isLoopbackHttp("http://localhost:3000/")).toBe(true);
    expect(isLoopbackHttp("http://127.0.0.1")).toBe(true);
    expect(isLoopbackHttp("http://[::1]:8080/x")).toBe(true);
    expect(isLoopbackHttp(new URL("http://localhost"))).toBe(true);
    expect(isLoopbackHttp("https://localhost")).toBe(false);
    expect(isLoopbackHttp("http://localhost.evil.example/")).toBe(false);
    expect(isLoopbackHttp("http://localhost@evil.example/")).toBe(false);
    expect(isLoopbackHttp("not a url")).toBe(false);
  });
});
