import type { OidcConfig } from "./config.js";
import { discover } from "./discovery.js";
import { OidcError } from "./oidc-error.js";
import { parseUrl } from "./parse-url.js";

/** Options of {@link buildLogoutUrl}. */
export interface BuildLogoutUrlOptions {
  /** The session's ID token, sent as `id_token_hint`. @default none */
  idToken?: string;
  /** Where the provider returns the user; must be registered with it. Pass a {@link safeReturnTo} result. @default config.postLogoutRedirectUri */
  postLogoutRedirectUri?: string;
  /** Opaque `state` echoed back to `post_logout_redirect_uri`. @default none */
  state?: string;
  /** Extra parameters (e.g. `ui_locales`, `logout_hint`). @default {} */
  parameters?: Record<string, string>;
}

/** What {@link buildLogoutUrl} produces. */
export interface LogoutUrl {
  /** Redirect the browser here after ending the local session. */
  url: URL;
  /** False when the provider has no `end_session_endpoint`: the user is only logged out locally. */
  providerLogout: boolean;
}

/**
 * The RP-initiated logout URL: the provider's `end_session_endpoint` with `id_token_hint`,
 * `post_logout_redirect_uri` and `client_id`. When the provider has none (or discovery fails),
 * falls back to the post-logout redirect URI itself, so logout always completes locally.
 */
export async function buildLogoutUrl(
  config: OidcConfig,
  options: BuildLogoutUrlOptions = {},
): Promise<LogoutUrl> {
  const postLogoutRedirectUri = options.postLogoutRedirectUri ?? config.postLogoutRedirectUri;
  let endSession: string | undefined;
  try {
    const as = await discover(config);
    endSession = typeof as.end_session_endpoint === "string" ? as.end_session_endpoint : undefined;
  } catch (error) {
    if (!(error instanceof OidcError)) throw error;
  }
  const url = endSession === undefined ? undefined : parseUrl(endSession);
  if (url === undefined) {
    return { url: new URL(postLogoutRedirectUri), providerLogout: false };
  }
  for (const [key, value] of Object.entries(options.parameters ?? {}))
    url.searchParams.set(key, value);
  if (options.idToken !== undefined && options.idToken !== "") {
    url.searchParams.set("id_token_hint", options.idToken);
  }
  url.searchParams.set("post_logout_redirect_uri", postLogoutRedirectUri);
  url.searchParams.set("client_id", config.clientId);
  if (options.state !== undefined) url.searchParams.set("state", options.state);
  return { url, providerLogout: true };
}
