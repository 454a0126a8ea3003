import type { JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import {
  BACKCHANNEL_LOGOUT_EVENT,
  checkLogoutTokenClaims,
  type LogoutTokenExpectations,
} from "../../src/oidc/logout-token.js";
import { isOidcError } from "../../src/oidc/oidc-error.js";

// Issue 14, item 6: deployed providers (glewlwyd 2.7, Keycloak before 2024) send `typ: "JWT"`
// and no `exp`; every such token was refused (typ_invalid, then exp_missing).
const now = 1_800_000_000_000;
const iat = now / 1000 - 5;
const expected: LogoutTokenExpectations = {
  issuer: "https://op.example/api/oidc",
  audience: "client",
  now,
  clockTolerance: 30,
  maxTokenAge: 600,
};
// Exactly the claims glewlwyd 2.7.5 sends (captured from a real one): no `exp`.
const glewlwydClaims = {
  iss: expected.issuer,
  aud: "client",
  sub: "tMl5C285vyltOsS2O1JdLJU4WlQaptvK",
  iat,
  jti: "wcqvd08L428sM5EgPbbdUWmUEdxAqsy2",
  sid: "qPHX3ZCscBTde5h5bPWSCIH07o5OvJCu",
  events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
};

function reason(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isOidcError(error) ? error.reason : String(error);
  }
  return undefined;
}

describe("logout token typ and exp", () => {
  it('accepts glewlwyd\'s shape: typ "JWT" and no exp, remembered until iat + the maximum age', () => {
    const verified = checkLogoutTokenClaims({ alg: "RS256", typ: "JWT" }, glewlwydClaims, expected);
    expect(verified).toMatchObject({ sid: glewlwydClaims.sid, jti: glewlwydClaims.jti });
    expect(verified.expiresAt).toBe((iat + 600 + 30) * 1000);
  });

  for (const typ of [undefined, "logout+jwt", "application/logout+jwt", "JWT", "jwt"]) {
    it(`accepts typ ${typ ?? "(none)"}`, () => {
      const header = typ === undefined ? { alg: "RS256" } : { alg: "RS256", typ };
      expect(
        reason(() => checkLogoutTokenClaims(header, glewlwydClaims, expected)),
      ).toBeUndefined();
    });
  }

  for (const typ of ["at+jwt", "application/at+jwt", "id_token", "secevent+jwt", "JOSE", ""]) {
    it(`refuses typ ${JSON.stringify(typ)}: it names another kind of token`, () => {
      const header = { alg: "RS256", typ };
      expect(reason(() => checkLogoutTokenClaims(header, glewlwydClaims, expected))).toBe(
        "typ_invalid",
      );
    });
  }

  it("still refuses an ID token passed off as a logout token (nonce, no event)", () => {
    const idToken = { ...glewlwydClaims, nonce: "n", events: undefined };
    expect(
      reason(() => checkLogoutTokenClaims({ alg: "RS256", typ: "JWT" }, idToken, expected)),
    ).toBe("events_invalid");
    const withEvent = { ...glewlwydClaims, nonce: "n" };
    expect(reason(() => checkLogoutTokenClaims({ alg: "RS256" }, withEvent, expected))).toBe(
      "nonce_present",
    );
  });

  it("without exp, refuses a token older than the maximum age", () => {
    const old = { ...glewlwydClaims, iat: now / 1000 - 700 };
    expect(reason(() => checkLogoutTokenClaims({ alg: "RS256" }, old, expected))).toBe("too_old");
  });

  it("with exp, remembers the jti until the earlier of exp and iat + the maximum age", () => {
    const soon = { ...glewlwydClaims, exp: iat + 60 };
    expect(checkLogoutTokenClaims({ alg: "RS256" }, soon, expected).expiresAt).toBe(
      (iat + 60 + 30) * 1000,
    );
    const late = { ...glewlwydClaims, exp: iat + 86_400 };
    expect(checkLogoutTokenClaims({ alg: "RS256" }, late, expected).expiresAt).toBe(
      (iat + 600 + 30) * 1000,
    );
    const bad = { ...glewlwydClaims, exp: "soon" } as unknown as JWTPayload;
    expect(reason(() => checkLogoutTokenClaims({ alg: "RS256" }, bad, expected))).toBe(
      "exp_invalid",
    );
  });
});
