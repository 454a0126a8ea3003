export { AuthError, type AuthErrorCode, type AuthErrorOptions } from "./errors.js";
export * from "./store/index.js";
