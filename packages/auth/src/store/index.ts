// The contract that every session store implements, importable without the rest of the core.

export { sessionStoreMethods } from "./contract.js";
export { errorChain, hasNetworkErrorCode, storeCall } from "./error-chain.js";
export { type MemoryStoreOptions, memoryStore } from "./memory-store.js";
export { isNetworkErrorCode } from "./network-error.js";
export {
  isSessionStoreError,
  SessionStoreError,
  type SessionStoreErrorCode,
  type SessionStoreErrorOptions,
} from "./session-store-error.js";
export {
  assertExpiresAt,
  assertLogoutTokenClaims,
  assertSessionId,
  assertSessionOwner,
  isSessionData,
  parseStoredSession,
  remainingSeconds,
  serializeSession,
} from "./stored-session.js";
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
} from "./types.js";
