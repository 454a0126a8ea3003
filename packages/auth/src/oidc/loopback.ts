import { parseUrl } from "./parse-url.js";

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * Whether `hostname` (as `URL.hostname` gives it, or a bare `::1`) is a loopback host: the one
 * place where plain `http:` is tolerated, for an issuer as for the app's own origin.
 */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** Whether `url` is a plain `http:` URL on a loopback host (a local development app or provider). */
export function isLoopbackHttp(url: string | URL): boolean {
  const parsed = typeof url === "string" ? parseUrl(url) : url;
  return parsed?.protocol === "http:" && isLoopbackHost(parsed.hostname);
}
