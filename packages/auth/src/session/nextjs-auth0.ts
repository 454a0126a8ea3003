import type { SessionData, TokenSet } from "../store/types.js";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const optionalString = (value: unknown) => (typeof value === "string" ? value : undefined);
const optionalSeconds = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) ? value * 1000 : undefined;

// JWT claims and fields of theirs that have no meaning in our session.
const DROPPED = new Set([
  "user",
  "tokenSet",
  "internal",
  "exp",
  "iat",
  "nbf",
  "connectionTokenSets",
]);

/**
 * Reads the payload of an `@auth0/nextjs-auth0` v4 session cookie as our
 * `SessionData`: its times are epoch seconds (ours milliseconds), its token
 * type is `token_type`, its `sid` may be `""`, and it has no issuer (the caller
 * passes the provider's discovered one, so back-channel logout finds the
 * session). `null` when the payload is not such a session.
 */
export function fromNextjsAuth0(
  payload: Record<string, unknown>,
  issuer: string | undefined,
): SessionData | null {
  const { user, tokenSet, internal, exp } = payload;
  if (!isRecord(user) || typeof user.sub !== "string") return null;
  if (!isRecord(internal) || typeof exp !== "number" || !Number.isFinite(exp)) return null;
  const createdAt = optionalSeconds(internal.createdAt);
  if (createdAt === undefined) return null;
  const tokens = isRecord(tokenSet) ? tokenSet : {};
  const normalised: TokenSet = {};
  const copy = <K extends keyof TokenSet>(key: K, value: TokenSet[K]) => {
    if (value !== undefined) normalised[key] = value;
  };
  copy("accessToken", optionalString(tokens.accessToken));
  copy("idToken", optionalString(tokens.idToken));
  copy("refreshToken", optionalString(tokens.refreshToken));
  copy("expiresAt", optionalSeconds(tokens.expiresAt));
  copy("scope", optionalString(tokens.scope));
  copy("tokenType", optionalString(tokens.token_type) ?? optionalString(tokens.tokenType));

  const mcd = isRecord(internal.mcd) ? internal.mcd : {};
  const sid = optionalString(internal.sid);
  const session: SessionData = {
    user: { ...user, sub: user.sub } as SessionData["user"],
    tokenSet: normalised,
    internal: {
      iss: issuer ?? optionalString(mcd.issuer) ?? "",
      ...(sid ? { sid } : {}),
      createdAt,
      expiresAt: exp * 1000,
    },
  };
  for (const [key, value] of Object.entries(payload)) {
    if (!DROPPED.has(key)) session[key] = value;
  }
  return session;
}
