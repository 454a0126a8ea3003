import * as oauth from "oauth4webapi";
import type { OidcConfig } from "./config.js";

/** The transport options shared by every oauth4webapi request. */
export interface OauthHttpOptions {
  signal: () => AbortSignal;
  [oauth.customFetch]?: (
    url: string,
    options: oauth.CustomFetchOptions<string, unknown>,
  ) => Promise<Response>;
  [oauth.allowInsecureRequests]?: boolean;
}

/** Timeout, custom fetch and (loopback issuers only) plain http, for oauth4webapi. */
export function httpOptions(config: OidcConfig): OauthHttpOptions {
  // A factory, so each request gets its own timer.
  const options: OauthHttpOptions = {
    signal: () => AbortSignal.timeout(config.providerTimeout * 1000),
  };
  const fetchFunction = config.fetch;
  if (fetchFunction !== undefined) {
    options[oauth.customFetch] = (url, init) => fetchFunction(url, init as RequestInit);
  }
  if (config.allowInsecureRequests) {
    options[oauth.allowInsecureRequests] = true;
  }
  return options;
}
