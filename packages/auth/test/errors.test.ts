import { inspect } from "node:util";
import { describe, expect, expectTypeOf, it } from "vitest";
import { AuthError, isAuthError, toAuthError } from "../src/errors.js";
import { isOidcError, OidcError } from "../src/oidc/oidc-error.js";
import { describeFailure } from "../src/routes/responses.js";
import { isSessionStoreError, SessionStoreError } from "../src/store/session-store-error.js";
import { generateSessionCookie } from "../src/testing/generate-session-cookie.js";

describe("the error model", () => {
  it("derives every status from the code: OIDC codes 4xx/502, a bug 500, a store failure 503", () => {
    expect(new AuthError("AUTH_SESSION_MISSING", "x").status).toBe(401);
    expect(new AuthError("AUTH_INVALID_ARGUMENT", "x").status).toBe(500);
    expect(new AuthError("AUTH_INTERNAL_ERROR", "x").status).toBe(500);
    expect(new AuthError("AUTH_STORE_UNAVAILABLE", "x").status).toBe(503);
    expect(new AuthError("OIDC_REFRESH_REJECTED", "x").status).toBe(401);
    expect(new OidcError("OIDC_PROVIDER_UNAVAILABLE", "x").status).toBe(502);
    expect(new OidcError("OIDC_LOGOUT_REQUEST_INVALID", "x", { status: 405 }).status).toBe(405);
  });

  it("answers an unknown failure 500 internal_error, not 502 (the provider is not to blame)", () => {
    expect(describeFailure(new TypeError("undefined is not a function"))).toEqual({
      status: 500,
      reason: "internal_error",
    });
    expect(toAuthError("a string")).toMatchObject({ code: "AUTH_INTERNAL_ERROR" });
  });

  it("answers a store's own error 503, wrapped as AUTH_STORE_UNAVAILABLE with the cause kept", () => {
    const cause = new SessionStoreError("STORE_THROTTLED", "slow down", { retryAfter: 1 });
    const wrapped = toAuthError(cause);
    expect(wrapped.code).toBe("AUTH_STORE_UNAVAILABLE");
    expect(wrapped.cause).toBe(cause);
    expect(describeFailure(cause)).toEqual({ status: 503, reason: "store_unavailable" });
    expect(
      describeFailure(new OidcError("OIDC_CALLBACK_INVALID", "x", { reason: "state_mismatch" })),
    ).toEqual({ status: 400, reason: "state_mismatch" });
  });

  it("isAuthError narrows on the code, OidcErrors included; store codes do not type-check", () => {
    const error: unknown = new OidcError("OIDC_REFRESH_REJECTED", "revoked");
    expect(isAuthError(error)).toBe(true);
    expect(isAuthError(error, "OIDC_REFRESH_REJECTED")).toBe(true);
    expect(isAuthError(error, "AUTH_SESSION_MISSING")).toBe(false);
    expect(isAuthError(new Error("x"))).toBe(false);
    if (isAuthError(error, "AUTH_STORE_UNAVAILABLE")) {
      expectTypeOf(error.code).toEqualTypeOf<"AUTH_STORE_UNAVAILABLE">();
    }
    if (isOidcError(error, "OIDC_REFRESH_REJECTED")) {
      expectTypeOf(error.code).toEqualTypeOf<"OIDC_REFRESH_REJECTED">();
    }
    // @ts-expect-error a SessionStoreError code is not an AuthError code
    expect(isAuthError(error, "STORE_UNAVAILABLE")).toBe(false);
    // @ts-expect-error nor the other way round
    expect(isSessionStoreError(error, "AUTH_STORE_UNAVAILABLE")).toBe(false);
  });

  it("SessionStoreError says retryAfter in seconds, and has no retryAfterMs", () => {
    const error = new SessionStoreError("STORE_THROTTLED", "slow down", { retryAfter: 1.5 });
    expect(error.retryAfter).toBe(1.5);
    expect("retryAfterMs" in error).toBe(false);
    expect(new SessionStoreError("STORE_UNAVAILABLE", "down").retryAfter).toBeUndefined();
  });

  it("keeps the cause out of JSON and enumeration, so logging an error dumps nothing private", () => {
    const secretCause = new Error("refresh_token=rt-secret-value");
    const errors = [
      new AuthError("AUTH_INTERNAL_ERROR", "an unexpected error", { cause: secretCause }),
      new OidcError("OIDC_REFRESH_REJECTED", "revoked", { cause: secretCause }),
      new SessionStoreError("STORE_UNAVAILABLE", "down", { cause: secretCause }),
    ];
    for (const error of errors) {
      expect(error.cause).toBe(secretCause);
      expect(Object.keys(error)).not.toContain("cause");
      expect(JSON.stringify(error)).not.toContain("rt-secret-value");
      expect(error.message).not.toContain("rt-secret-value");
      expect(inspect(error, { depth: 0 })).toContain(error.code);
    }
  });

  it("a bad argument is AUTH_INVALID_ARGUMENT, e.g. a short secret for generateSessionCookie", async () => {
    const session = { user: { sub: "alice" }, tokenSet: {} };
    const error = await generateSessionCookie(session, { secret: "short" }).catch((e) => e);
    expect(isAuthError(error, "AUTH_INVALID_ARGUMENT")).toBe(true);
    expect(error.message).not.toContain("short");
  });
});
