import { type JWTPayload, SignJWT } from "jose";
import { BACKCHANNEL_LOGOUT_EVENT } from "../../src/oidc/logout-token.js";
import type { TestProvider } from "./provider.js";

/** Well-formed logout token claims for `op`'s client; `overrides` set to `undefined` drop a claim. */
export function logoutClaims(op: TestProvider, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: op.issuer,
    aud: op.clientId,
    iat: now,
    exp: now + 120,
    jti: crypto.randomUUID(),
    sid: "sid-1",
    sub: "user-1",
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...overrides,
  };
}

/** Signs `payload` with the provider's own key (or `key`), so only the claims decide. */
export async function forgeLogoutToken(
  op: TestProvider,
  payload: JWTPayload,
  header: { alg?: string; typ?: string; kid?: string } = {},
  key: CryptoKey = op.signingKey.privateKey,
): Promise<string> {
  const withoutUndefined = Object.fromEntries(
    Object.entries(payload).filter(([, value]) => value !== undefined),
  );
  return new SignJWT(withoutUndefined)
    .setProtectedHeader({
      alg: header.alg ?? "RS256",
      kid: header.kid ?? op.signingKey.kid,
      typ: header.typ ?? "logout+jwt",
    })
    .sign(key);
}

/** An unsigned (`alg: none`) token. */
export function unsignedLogoutToken(payload: JWTPayload): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", typ: "logout+jwt" })}.${encode(payload)}.`;
}
