export {
  type GenerateSessionCookieOptions,
  generateSessionCookie,
  type TestSession,
} from "./generate-session-cookie.js";
