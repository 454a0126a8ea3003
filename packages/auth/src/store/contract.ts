import type { SessionStore } from "./types.js";

/**
 * The methods every session store has, in the contract's order: `createAuth` refuses a
 * `sessionStore` without one of them, and the conformance suite checks the same list. The
 * extensions (`LogoutTokenReplayStore`, `RefreshLeaseStore`) are optional, found by presence.
 */
export const sessionStoreMethods = [
  "get",
  "set",
  "update",
  "touch",
  "delete",
  "deleteByLogoutToken",
  "listSessions",
] as const satisfies ReadonlyArray<keyof SessionStore>;
