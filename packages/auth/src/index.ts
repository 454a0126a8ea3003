// What an app imports. Store drivers take their helpers from `@sessionkit/auth/store`.

export type { AccessToken, GetAccessTokenOptions } from "./access-token.js";
export type { AuthConfig, SessionConfig } from "./config.js";
export { type Auth, createAuth, type RevokeUserSessionsOptions } from "./create-auth.js";
export {
  AUTH_ERROR_STATUS,
  AuthError,
  type AuthErrorCode,
  type AuthErrorOptions,
  isAuthError,
  type OidcErrorCode,
} from "./errors.js";
export { isPassThrough, mergeAuthResponse } from "./merge-auth-response.js";
export {
  type ClientAssertionKey,
  type ClientAuthMethod,
  DEFAULT_ROUTES,
  type FetchFunction,
  type OidcConfig,
  type OidcRoutes,
} from "./oidc/config.js";
export { isOidcError, OidcError, type OidcErrorOptions } from "./oidc/oidc-error.js";
export { type NeedsRefreshOptions, needsRefresh } from "./oidc/refresh.js";
export { type MemoryReplayStoreOptions, memoryReplayStore } from "./oidc/replay-cache.js";
export { safeReturnTo } from "./oidc/safe-return-to.js";
export type {
  AuthLogger,
  AuthOptions,
  BeforeSessionSaved,
  CallbackContext,
  OnCallback,
  OnSessionEvent,
  SessionCookieOptions,
} from "./options.js";
export type { NewSession, SessionUpdate } from "./session/session-core.js";
export type {
  SessionEndReason,
  SessionEvent,
  SessionEventBase,
} from "./session/session-events.js";
export type { SessionInfo } from "./session/session-management.js";
export { type MemoryStoreOptions, memoryStore } from "./store/memory-store.js";
export {
  isSessionStoreError,
  SessionStoreError,
  type SessionStoreErrorCode,
  type SessionStoreErrorOptions,
} from "./store/session-store-error.js";
export type {
  LogoutTokenClaims,
  LogoutTokenReplayStore,
  RefreshLeaseStore,
  SessionData,
  SessionInternal,
  SessionOwner,
  SessionStore,
  SessionUser,
  SessionWriteOptions,
  StoredSession,
  TokenSet,
} from "./store/types.js";
export type { OpenTelemetryApi } from "./telemetry/types.js";
