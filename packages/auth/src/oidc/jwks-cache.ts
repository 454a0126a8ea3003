import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from "jose";
import type { FetchFunction } from "./types.js";

/** Remote JWKS key resolvers, one per `jwks_uri`, so keys are fetched once and then cached. */
export interface JwksCache {
  /** The resolver for `jwksUri`, created on first use. */
  get(
    jwksUri: string,
    options: { timeout: number; fetch: FetchFunction | undefined },
  ): JWTVerifyGetKey;
}

/** Creates an empty {@link JwksCache}. */
export function createJwksCache(): JwksCache {
  const sets = new Map<string, JWTVerifyGetKey>();
  return {
    get(jwksUri, options) {
      let set = sets.get(jwksUri);
      if (set === undefined) {
        const fetchFunction = options.fetch;
        set = createRemoteJWKSet(new URL(jwksUri), {
          timeoutDuration: options.timeout,
          ...(fetchFunction === undefined
            ? {}
            : { [customFetch]: (url: string, init: RequestInit) => fetchFunction(url, init) }),
        });
        // Bounded: a config talks to one provider, but never let a bug grow this without limit.
        if (sets.size >= 16) sets.clear();
        sets.set(jwksUri, set);
      }
      return set;
    },
  };
}
