"use client";

export {
  SessionProvider,
  type SessionProviderProps,
  type UseUserOptions,
  useUser,
} from "./session-provider.js";
export type { UserState } from "./use-profile.js";
