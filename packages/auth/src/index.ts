export type { AuthConfig } from "./config.js";
export { type Auth, createAuth } from "./create-auth.js";
export { AuthError, type AuthErrorCode, type AuthErrorOptions } from "./errors.js";
export type { AuthLogger, AuthOptions, SessionCookieOptions } from "./options.js";
export type { AuthRoute } from "./routes.js";
export type { NewSession, SessionUpdate } from "./session/session-core.js";
export * from "./store/index.js";
