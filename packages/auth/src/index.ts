export type { AccessToken, GetAccessTokenOptions } from "./access-token.js";
export type { AuthConfig } from "./config.js";
export { type Auth, createAuth } from "./create-auth.js";
export { AuthError, type AuthErrorCode, type AuthErrorOptions } from "./errors.js";
export { isPassThrough, mergeAuthResponse } from "./merge-auth-response.js";
export {
  type ClientAssertionKey,
  type ClientAuthMethod,
  DEFAULT_ROUTES,
  type FetchFunction,
  type OidcConfig,
  type OidcRoutes,
} from "./oidc/config.js";
export {
  isOidcError,
  OIDC_ERROR_STATUS,
  OidcError,
  type OidcErrorCode,
  type OidcErrorOptions,
} from "./oidc/oidc-error.js";
export { needsRefresh } from "./oidc/refresh.js";
export {
  type LogoutTokenReplayCache,
  type MemoryReplayCacheOptions,
  memoryReplayCache,
} from "./oidc/replay-cache.js";
export { safeReturnTo } from "./oidc/safe-return-to.js";
export type {
  AuthLogger,
  AuthOptions,
  BeforeSessionSaved,
  CallbackContext,
  OnCallback,
  SessionCookieOptions,
} from "./options.js";
export type { AuthRoute } from "./routes.js";
export type { NewSession, SessionUpdate } from "./session/session-core.js";
export * from "./store/index.js";
