import { describe, expect, it } from "vitest";
import { isNetworkErrorCode } from "../../src/store/network-error.js";

describe("isNetworkErrorCode", () => {
  it("knows socket, DNS and undici failures, and nothing else", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "UND_ERR_SOCKET"]) {
      expect(isNetworkErrorCode(code)).toBe(true);
    }
    for (const code of ["ENOENT", "P2002", "", 111, undefined, null]) {
      expect(isNetworkErrorCode(code)).toBe(false);
    }
  });
});
