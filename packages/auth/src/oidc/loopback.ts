/** Whether `hostname` (as `URL.hostname` gives it) is one where plain `http:` is tolerated. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1";
}
