"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { SessionUser } from "../store/types.js";

/** What {@link useUser} answers. */
export interface UserState {
  /** The signed-in user, `null` when signed out, `undefined` while first loading. */
  user: SessionUser | null | undefined;
  /** Whether a load is in flight and nothing is known yet. */
  isLoading: boolean;
  /** The last load's failure (network, unexpected status). */
  error: Error | undefined;
  /** Loads the profile again (after a profile change, say). */
  refresh(): Promise<void>;
}

/** Loads the user from the profile route: 200 with JSON is signed in, 204 or 401 is signed out. */
export async function fetchProfile(profileUrl: string): Promise<SessionUser | null> {
  const response = await fetch(profileUrl, {
    credentials: "same-origin",
    headers: { accept: "application/json" },
    cache: "no-store",
  });
  if (response.status === 204 || response.status === 401) return null;
  if (!response.ok) throw new Error(`the profile route answered ${response.status}`);
  const user = (await response.json()) as SessionUser | null;
  return user && typeof user.sub === "string" ? user : null;
}

/** The state behind `SessionProvider` and a provider-less `useUser`. */
export function useProfile(
  profileUrl: string,
  fallback: SessionUser | null | undefined,
  enabled: boolean,
): UserState {
  const [user, setUser] = useState(fallback);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    const call = ++latest.current;
    setLoading(true);
    try {
      const next = await fetchProfile(profileUrl);
      if (call === latest.current) {
        setUser(next);
        setError(undefined);
      }
    } catch (cause) {
      if (call === latest.current)
        setError(cause instanceof Error ? cause : new Error(String(cause)));
    } finally {
      if (call === latest.current) setLoading(false);
    }
  }, [profileUrl]);

  useEffect(() => {
    if (enabled) void refresh();
  }, [enabled, refresh]);

  return { user, isLoading: loading && user === undefined, error, refresh };
}
