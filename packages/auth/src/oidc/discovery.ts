import * as oauth from "oauth4webapi";
import type { OidcConfig } from "./config.js";
import { httpOptions } from "./http-options.js";
import { OidcError } from "./oidc-error.js";

/** Options of {@link discover}. */
export interface DiscoverOptions {
  /** The current time, in epoch milliseconds (for the cache). @default Date.now() */
  now?: number;
}

/**
 * The provider's metadata (OpenID Connect Discovery), from the config's cache when fresh. One
 * fetch per issuer at a time, bounded by `providerTimeout`. Throws `OIDC_DISCOVERY_FAILED` (502).
 */
export function discover(
  config: OidcConfig,
  options: DiscoverOptions = {},
): Promise<oauth.AuthorizationServer> {
  return config.discoveryCache.get(
    config.issuer,
    config.discoveryCacheTtl,
    async () => {
      const issuer = new URL(config.issuer);
      try {
        const response = await oauth.discoveryRequest(issuer, httpOptions(config));
        return await oauth.processDiscoveryResponse(issuer, response);
      } catch (error) {
        throw new OidcError(
          "OIDC_DISCOVERY_FAILED",
          `OpenID Connect discovery for the configured issuer failed: ${describe(error)}`,
          { cause: error, reason: isTimeout(error) ? "timeout" : "discovery_failed" },
        );
      }
    },
    options.now,
  );
}

/** A short, token-free description of a transport or oauth4webapi failure. */
export function describe(error: unknown): string {
  if (isTimeout(error)) return "the request timed out";
  if (error instanceof Error) return error.message;
  return "unknown error";
}

/** Whether `error` is an AbortSignal.timeout firing. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}
