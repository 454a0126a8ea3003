// The public API as an app sees it: only the package's entry points, imported by name. A change
// to these lists must be deliberate (and shows in api/*.api.md too).
// After a deliberate change: `pnpm exec vitest run -u --project <package> exports.test`, then `pnpm api:update`.
import * as auth from "@sessionkit/auth";
import * as client from "@sessionkit/auth/client";
import * as store from "@sessionkit/auth/store";
import * as testing from "@sessionkit/auth/testing";
import { describe, expect, it } from "vitest";

const names = (entry: object) => Object.keys(entry).sort();

describe("@sessionkit/auth entry points", () => {
  it("@sessionkit/auth exports what an app needs", () => {
    expect(names(auth)).toMatchInlineSnapshot(`
      [
        "AUTH_ERROR_STATUS",
        "AuthError",
        "DEFAULT_ROUTES",
        "OidcError",
        "SessionStoreError",
        "createAuth",
        "isAuthError",
        "isOidcError",
        "isPassThrough",
        "isSessionStoreError",
        "memoryReplayStore",
        "memoryStore",
        "mergeAuthResponse",
        "needsRefresh",
        "safeReturnTo",
      ]
    `);
  });

  it("@sessionkit/auth/store exports the contract and the driver helpers", () => {
    expect(names(store)).toMatchInlineSnapshot(`
      [
        "SessionStoreError",
        "assertExpiresAt",
        "assertLogoutTokenClaims",
        "assertSessionId",
        "assertSessionOwner",
        "errorChain",
        "hasNetworkErrorCode",
        "isNetworkErrorCode",
        "isSessionData",
        "isSessionStoreError",
        "memoryStore",
        "parseStoredSession",
        "remainingSeconds",
        "serializeSession",
        "sessionStoreMethods",
        "storeCall",
      ]
    `);
  });

  it("@sessionkit/auth/testing", () => {
    expect(names(testing)).toMatchInlineSnapshot(`
      [
        "generateSessionCookie",
      ]
    `);
  });

  it("@sessionkit/auth/client", () => {
    expect(names(client)).toMatchInlineSnapshot(`
      [
        "SessionProvider",
        "useUser",
      ]
    `);
  });

  it("the root entry carries no driver helper: those live in /store only", () => {
    for (const helper of ["assertSessionId", "serializeSession", "remainingSeconds", "storeCall"]) {
      expect(names(store)).toContain(helper);
      expect(names(auth)).not.toContain(helper);
    }
  });

  it("works through the front door: a session saved with the root entry is read back", async () => {
    const { createAuth, memoryStore } = auth;
    const app = createAuth({
      secret: "exports-test-secret-0123456789abcdef0123",
      sessionStore: memoryStore(),
      appBaseUrl: "https://app.example",
      env: {},
    });
    const response = new Response(null);
    await app.saveSession(new Request("https://app.example/"), response, {
      user: { sub: "front-door" },
      tokenSet: {},
      internal: { iss: "https://op.example" },
    });
    const cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    const request = new Request("https://app.example/", { headers: { cookie } });
    expect((await app.getSession(request))?.user.sub).toBe("front-door");
  });
});
