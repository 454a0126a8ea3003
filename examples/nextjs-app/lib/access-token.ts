import type { Auth } from "@sessionkit/auth";

/** An access token for calling an API on the user's behalf. */
export interface AccessToken {
  token: string;
  /** Epoch milliseconds, when known. */
  expiresAt: number | undefined;
}

type TokenResult = string | { token?: string; accessToken?: string; expiresAt?: number } | null;
type WithAccessToken = Auth & {
  getAccessToken?: (options?: { refresh?: boolean }) => Promise<TokenResult>;
};

/**
 * `auth.getAccessToken()` (refreshes when the token is expired or about to be).
 * PENDING(issue 3): until `getAccessToken` ships in @sessionkit/auth, this reads the
 * session's token set as it is (no refresh). Once it ships, replace this file
 * with a direct `auth.getAccessToken()` call.
 */
export async function accessTokenOf(auth: Auth): Promise<AccessToken | null> {
  const withToken = auth as WithAccessToken;
  if (typeof withToken.getAccessToken === "function") {
    const result = await withToken.getAccessToken();
    if (result === null) return null;
    if (typeof result === "string") return { token: result, expiresAt: undefined };
    const token = result.token ?? result.accessToken;
    return token ? { token, expiresAt: result.expiresAt } : null;
  }
  const session = await auth.getSession();
  const token = session?.tokenSet.accessToken;
  return token ? { token, expiresAt: session?.tokenSet.expiresAt } : null;
}
