export { type CallbackResult, type HandleCallbackOptions, handleCallback } from "./callback.js";
export {
  type ClientAssertionKey,
  type ClientAuthMethod,
  DEFAULT_ROUTES,
  DEFAULT_SCOPE,
  type FetchFunction,
  type OidcConfig,
  type OidcEnv,
  type OidcOptions,
  type OidcRoutes,
  RESERVED_AUTHORIZATION_PARAMETERS,
  resolveOidcConfig,
} from "./config.js";
export { type DiscoverOptions, discover } from "./discovery.js";
export { createDiscoveryCache, type DiscoveryCache } from "./discovery-cache.js";
export { createJwksCache, type JwksCache } from "./jwks-cache.js";
export { type CreateLoginRequestOptions, createLoginRequest, type LoginRequest } from "./login.js";
export { type ReadLogoutTokenOptions, readLogoutTokenFromRequest } from "./logout-request.js";
export {
  BACKCHANNEL_LOGOUT_EVENT,
  checkLogoutTokenClaims,
  LOGOUT_TOKEN_ALGORITHMS,
  type LogoutTokenExpectations,
  type VerifiedLogoutToken,
  type VerifyLogoutTokenOptions,
  verifyLogoutToken,
} from "./logout-token.js";
export {
  type BuildLogoutUrlOptions,
  buildLogoutUrl,
  type LogoutUrl,
} from "./logout-url.js";
export {
  isOidcError,
  OIDC_ERROR_STATUS,
  OidcError,
  type OidcErrorCode,
  type OidcErrorOptions,
} from "./oidc-error.js";
export {
  needsRefresh,
  type RefreshResult,
  type RefreshTokenSetOptions,
  refreshTokenSet,
} from "./refresh.js";
export {
  type LogoutTokenReplayCache,
  type MemoryReplayCacheOptions,
  memoryReplayCache,
} from "./replay-cache.js";
export { safeReturnTo } from "./safe-return-to.js";
export { createSingleFlight, type SingleFlight } from "./single-flight.js";
export { tokenSetFromResponse, userFromIdTokenClaims } from "./token-set.js";
export {
  createState,
  isLoginTransaction,
  isTransactionExpired,
  type LoginTransaction,
  stateCreatedAt,
  TRANSACTION_COOKIE_PREFIX,
  type TransactionCookiesToDropOptions,
  transactionCookieName,
  transactionCookiesToDrop,
} from "./transaction.js";
