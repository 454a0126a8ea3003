import type * as oauth from "oauth4webapi";
import { createSingleFlight } from "./single-flight.js";

/** Discovered provider metadata, cached per issuer with a TTL; concurrent misses share one fetch. */
export interface DiscoveryCache {
  /** The cached metadata for `issuer`, or the result of `load` (cached for `ttlSeconds`). */
  get(
    issuer: string,
    ttlSeconds: number,
    load: () => Promise<oauth.AuthorizationServer>,
    now?: number,
  ): Promise<oauth.AuthorizationServer>;
  /** Forgets `issuer` (or everything), e.g. after the provider rotated its endpoints. */
  clear(issuer?: string): void;
}

/** Creates an empty {@link DiscoveryCache}. Failures are never cached. */
export function createDiscoveryCache(): DiscoveryCache {
  const entries = new Map<string, { value: oauth.AuthorizationServer; expiresAt: number }>();
  const flight = createSingleFlight<oauth.AuthorizationServer>();
  return {
    async get(issuer, ttlSeconds, load, now = Date.now()) {
      const entry = entries.get(issuer);
      if (entry !== undefined && entry.expiresAt > now) return entry.value;
      return flight.run(issuer, async () => {
        const value = await load();
        entries.set(issuer, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
        return value;
      });
    },
    clear(issuer) {
      if (issuer === undefined) entries.clear();
      else entries.delete(issuer);
    },
  };
}
