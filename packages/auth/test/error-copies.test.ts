import { describe, expect, it } from "vitest";
import { AuthError, isAuthError } from "../src/errors.js";
import { isOidcError, OidcError } from "../src/oidc/oidc-error.js";
import { isSessionStoreError, SessionStoreError } from "../src/store/session-store-error.js";

// Next bundles proxy.ts and the pages separately, so an app can meet errors made by another copy
// of @sessionkit/auth. A second module instance (a different URL) stands in for that copy.
const copyOf = <T>(path: string): Promise<T> => import(/* @vite-ignore */ `${path}?copy`);
const other = {
  errors: await copyOf<typeof import("../src/errors.js")>("../src/errors.js"),
  oidc: await copyOf<typeof import("../src/oidc/oidc-error.js")>("../src/oidc/oidc-error.js"),
  store: await copyOf<typeof import("../src/store/session-store-error.js")>(
    "../src/store/session-store-error.js",
  ),
};

describe("errors from another copy of the package", () => {
  it("are recognised by instanceof and the is…Error checks, with their codes", () => {
    expect(other.errors.AuthError).not.toBe(AuthError); // really another copy
    const auth = new other.errors.AuthError("AUTH_STORE_REQUIRED", "needs a store");
    expect(auth instanceof AuthError).toBe(true);
    expect(isAuthError(auth, "AUTH_STORE_REQUIRED")).toBe(true);
    expect(isAuthError(auth, "AUTH_SESSION_MISSING")).toBe(false);
    expect(auth instanceof OidcError).toBe(false);

    const oidc = new other.oidc.OidcError("OIDC_REFRESH_REJECTED", "refused");
    expect(oidc instanceof OidcError).toBe(true);
    expect(oidc instanceof AuthError).toBe(true);
    expect(isOidcError(oidc, "OIDC_REFRESH_REJECTED")).toBe(true);

    const store = new other.store.SessionStoreError("STORE_UNAVAILABLE", "down");
    expect(store instanceof SessionStoreError).toBe(true);
    expect(isSessionStoreError(store, "STORE_UNAVAILABLE")).toBe(true);
    expect(store instanceof AuthError).toBe(false);
  });

  it("still refuses look-alikes: a plain object with the same fields is not an AuthError", () => {
    const fake = Object.assign(new Error("x"), { name: "AuthError", code: "AUTH_STORE_REQUIRED" });
    expect(isAuthError(fake)).toBe(false);
    expect(fake instanceof AuthError).toBe(false);
    expect(isSessionStoreError({ code: "STORE_UNAVAILABLE" })).toBe(false);
  });
});
