import {
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type ProtectedHeaderParameters,
} from "jose";
import type { LogoutTokenClaims, LogoutTokenReplayStore } from "../store/types.js";
import type { OidcConfig } from "./config.js";
import { describe, discover, isTimeout } from "./discovery.js";
import { readLogoutTokenFromRequest } from "./logout-request.js";
import { OidcError } from "./oidc-error.js";

/** The back-channel logout event a logout token must carry. */
export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/** Asymmetric algorithms accepted for logout tokens: never `none`, never a shared-secret `HS*`. */
export const LOGOUT_TOKEN_ALGORITHMS: readonly string[] = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "Ed25519",
  "EdDSA",
];

/** Options of {@link verifyLogoutToken}. */
export interface VerifyLogoutTokenOptions {
  /** Where seen `jti`s are remembered; a replay is rejected. @default required */
  replayStore: LogoutTokenReplayStore;
  /** Largest request body accepted, in bytes. @default 65536 */
  maxBodyBytes?: number;
  /** Oldest `iat` accepted, in seconds before now; beyond it the token is stale. @default 600 */
  maxTokenAge?: number;
  /** The current time, in epoch milliseconds. @default Date.now() */
  now?: number;
  /** Keys to verify with instead of the provider's JWKS (tests, pinned keys). @default the cached remote JWKS */
  keys?: JWTVerifyGetKey;
}

/** A verified logout token: what `SessionStore.deleteByLogoutToken` takes, plus its `jti`. */
export interface VerifiedLogoutToken extends LogoutTokenClaims {
  /** The token's unique id (already claimed in the replay cache). */
  jti: string;
  /**
   * Until when the token is accepted, in epoch milliseconds: the earlier of `exp` and `iat` plus
   * the maximum age (plus clock tolerance); the replay memory keeps its `jti` that long.
   */
  expiresAt: number;
}

/** Expectations of {@link checkLogoutTokenClaims}. */
export interface LogoutTokenExpectations {
  /** The provider's issuer (as discovered). */
  issuer: string;
  /** The client id (the `aud` the token must name). */
  audience: string;
  /** The current time, in epoch milliseconds. */
  now: number;
  /** Clock skew tolerated, in seconds. */
  clockTolerance: number;
  /** Oldest `iat` accepted, in seconds before `now`. */
  maxTokenAge: number;
}

function invalid(reason: string, message: string): OidcError {
  return new OidcError("OIDC_LOGOUT_TOKEN_INVALID", message, { reason });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/**
 * The pure half of verification: checks a logout token's header and claims (after its signature
 * was verified) as OIDC Back-Channel Logout 1.0 requires. Throws `OIDC_LOGOUT_TOKEN_INVALID`.
 */
export function checkLogoutTokenClaims(
  header: ProtectedHeaderParameters,
  payload: JWTPayload,
  expected: LogoutTokenExpectations,
): VerifiedLogoutToken {
  if (!isAcceptedTyp(header.typ)) {
    throw invalid("typ_invalid", 'The logout token\'s "typ" names another kind of token');
  }
  if (payload.iss !== expected.issuer) {
    throw invalid("issuer_mismatch", "The logout token's issuer is not the configured provider");
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(expected.audience)) {
    throw invalid("audience_mismatch", "The logout token is not addressed to this client");
  }
  const now = expected.now / 1000;
  const tolerance = expected.clockTolerance;
  if (typeof payload.iat !== "number" || !Number.isFinite(payload.iat)) {
    throw invalid("iat_missing", 'The logout token has no numeric "iat"');
  }
  if (payload.iat > now + tolerance) {
    throw invalid("iat_in_future", "The logout token was issued in the future");
  }
  if (payload.iat < now - expected.maxTokenAge - tolerance) {
    throw invalid("too_old", "The logout token was issued too long ago");
  }
  // Accepted until both bounds pass: `exp` (when present, as the final spec requires; earlier
  // drafts, e.g. glewlwyd 2.7, send none) and `iat` + the maximum age. The replay memory lasts
  // exactly as long, so a token is never accepted again once its jti is forgotten.
  const iatBound = payload.iat + expected.maxTokenAge + tolerance;
  let acceptedUntil = iatBound;
  if (payload.exp !== undefined) {
    if (typeof payload.exp !== "number" || !Number.isFinite(payload.exp)) {
      throw invalid("exp_invalid", '"exp" must be a number');
    }
    if (payload.exp <= now - tolerance) {
      throw invalid("expired", "The logout token has expired");
    }
    acceptedUntil = Math.min(iatBound, payload.exp + tolerance);
  }
  if (!isObject(payload.events) || !isObject(payload.events[BACKCHANNEL_LOGOUT_EVENT])) {
    throw invalid("events_invalid", "The logout token lacks the back-channel logout event");
  }
  if ("nonce" in payload) {
    throw invalid("nonce_present", 'A logout token must not contain "nonce"');
  }
  const sid = payload.sid;
  const sub = payload.sub;
  if (sid !== undefined && !nonEmptyString(sid))
    throw invalid("sid_invalid", '"sid" must be a string');
  if (sub !== undefined && !nonEmptyString(sub))
    throw invalid("sub_invalid", '"sub" must be a string');
  if (sid === undefined && sub === undefined) {
    throw invalid("sid_and_sub_missing", 'The logout token has neither "sid" nor "sub"');
  }
  if (!nonEmptyString(payload.jti)) {
    throw invalid("jti_missing", 'The logout token has no "jti"');
  }
  return {
    iss: payload.iss,
    ...(sid === undefined ? {} : { sid }),
    ...(sub === undefined ? {} : { sub }),
    jti: payload.jti,
    expiresAt: Math.ceil(acceptedUntil * 1000),
  };
}

// `typ` values that say "a logout token" or just "a JWT" (Back-Channel Logout 1.0 §2.4 allows
// untyped tokens; glewlwyd 2.7 and Keycloak before 2024 send `JWT`). Any other value names
// another kind of token (`at+jwt`, `secevent+jwt`…) and is refused; the `events` and `nonce`
// checks keep an ID token from passing as a logout token whatever its `typ`.
const ACCEPTED_TYPS = new Set(["logout+jwt", "jwt"]);

function isAcceptedTyp(typ: unknown): boolean {
  if (typ === undefined) return true;
  if (typeof typ !== "string") return false;
  const lower = typ.toLowerCase();
  return ACCEPTED_TYPS.has(lower.startsWith("application/") ? lower.slice(12) : lower);
}

function joseError(error: unknown): OidcError {
  if (error instanceof OidcError) return error;
  if (error instanceof errors.JWKSTimeout || isTimeout(error)) {
    return new OidcError(
      "OIDC_PROVIDER_UNAVAILABLE",
      "The provider's JWKS did not answer in time",
      {
        reason: "jwks_timeout",
      },
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return invalid("key_not_found", "No key of the provider's JWKS matches the logout token");
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid("key_ambiguous", "Several keys of the provider's JWKS match the logout token");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalid("signature_invalid", "The logout token's signature is invalid");
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return invalid("alg_not_allowed", "The logout token's algorithm is not allowed");
  }
  if (error instanceof errors.JWTExpired) {
    return invalid("expired", "The logout token has expired");
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return invalid(
      `${error.claim}_invalid`.replace(/[^a-z_]/gi, ""),
      "A logout token claim is invalid",
    );
  }
  if (error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid) {
    return new OidcError("OIDC_PROVIDER_UNAVAILABLE", "The provider's JWKS is invalid", {
      reason: "jwks_invalid",
    });
  }
  if (error instanceof errors.JOSEError) {
    return invalid("malformed", "The logout token is not a valid JWT");
  }
  return new OidcError(
    "OIDC_PROVIDER_UNAVAILABLE",
    `Fetching the provider's JWKS failed: ${describe(error)}`,
    { cause: error, reason: "jwks_unavailable" },
  );
}

/**
 * Verifies an OIDC back-channel logout token: the request (form-encoded POST, size cap), the
 * signature against the provider's JWKS (asymmetric algorithms only), `typ` (`logout+jwt`, `JWT`
 * or none), `iss`, `aud`, `iat`, `exp` (when present), the back-channel event, no `nonce`, `sid`
 * or `sub`, and a `jti` not seen before (claimed last, so a bad token burns nothing). Pass the
 * request, or an already extracted token string.
 * Throws {@link OidcError}: `OIDC_LOGOUT_REQUEST_INVALID` / `OIDC_LOGOUT_TOKEN_INVALID` (400, or
 * 405 for a wrong method) or, when the provider cannot be reached, `OIDC_DISCOVERY_FAILED` /
 * `OIDC_PROVIDER_UNAVAILABLE` (502).
 */
export async function verifyLogoutToken(
  input: Request | string,
  config: OidcConfig,
  options: VerifyLogoutTokenOptions,
): Promise<VerifiedLogoutToken> {
  const token =
    typeof input === "string"
      ? input
      : await readLogoutTokenFromRequest(input, { maxBodyBytes: options.maxBodyBytes ?? 65_536 });
  if (token.length > (options.maxBodyBytes ?? 65_536)) {
    throw invalid("malformed", "The logout token is too long");
  }

  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw invalid("malformed", "The logout token is not a JWS");
  }
  if (token.split(".").length !== 3) throw invalid("malformed", "The logout token is not a JWS");
  if (typeof header.alg !== "string" || !LOGOUT_TOKEN_ALGORITHMS.includes(header.alg)) {
    throw invalid("alg_not_allowed", "The logout token's algorithm is not allowed");
  }

  const as = await discover(config);
  let keys = options.keys;
  if (keys === undefined) {
    if (typeof as.jwks_uri !== "string") {
      throw new OidcError("OIDC_DISCOVERY_FAILED", "The provider has no jwks_uri", {
        reason: "no_jwks_uri",
      });
    }
    keys = config.jwksCache.get(as.jwks_uri, {
      timeout: config.providerTimeout * 1000,
      fetch: config.fetch,
    });
  }
  const now = options.now ?? Date.now();

  let payload: JWTPayload;
  try {
    // Only the signature and algorithm here; every claim is checked below with precise reasons.
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: [...LOGOUT_TOKEN_ALGORITHMS],
      currentDate: new Date(now),
      clockTolerance: config.clockTolerance,
    }));
  } catch (error) {
    throw joseError(error);
  }

  const verified = checkLogoutTokenClaims(header, payload, {
    issuer: as.issuer,
    audience: config.clientId,
    now,
    clockTolerance: config.clockTolerance,
    maxTokenAge: options.maxTokenAge ?? 600,
  });
  if (!(await options.replayStore.claimLogoutToken(verified.jti, verified.expiresAt))) {
    throw invalid("jti_replayed", "The logout token was already used");
  }
  return verified;
}
