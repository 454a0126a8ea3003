// What Node's sockets, DNS and undici report when a backend cannot be reached or went away.
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Whether an error `code` means the backend is unreachable (drivers map it to `STORE_UNAVAILABLE`). */
export function isNetworkErrorCode(code: unknown): boolean {
  return typeof code === "string" && NETWORK_ERROR_CODES.has(code);
}
