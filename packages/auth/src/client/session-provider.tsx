"use client";

import { createContext, type ReactNode, useContext } from "react";
import type { SessionUser } from "../store/types.js";
import { type UserState, useProfile } from "./use-profile.js";

const UserContext = createContext<UserState | undefined>(undefined);

/** Props of {@link SessionProvider}. */
export interface SessionProviderProps {
  /** The user the server already knows (e.g. `(await auth.getSession())?.user ?? null`), shown before the profile loads. @default undefined */
  user?: SessionUser | null;
  /** Where the profile route answers. @default "/auth/profile" */
  profileUrl?: string;
  children?: ReactNode;
}

/** Shares the signed-in user with every `useUser()` below it; loads it once from the profile route. */
export function SessionProvider({
  user,
  profileUrl = "/auth/profile",
  children,
}: SessionProviderProps) {
  const state = useProfile(profileUrl, user, true);
  return <UserContext.Provider value={state}>{children}</UserContext.Provider>;
}

/** Options of {@link useUser}. */
export interface UseUserOptions {
  /** Where the profile route answers, when there is no `SessionProvider` above. @default "/auth/profile" */
  profileUrl?: string;
}

/** The signed-in user: from the nearest `SessionProvider`, else loaded by this component. */
export function useUser(options: UseUserOptions = {}): UserState {
  const shared = useContext(UserContext);
  const own = useProfile(options.profileUrl ?? "/auth/profile", undefined, shared === undefined);
  return shared ?? own;
}
