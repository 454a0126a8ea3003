/** A code or class name: short, no spaces, nothing a message or a value could put there. */
const LOW_CARDINALITY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * The `error.type` of a failure: the error's string `code` (`STORE_UNAVAILABLE`, `ECONNREFUSED`),
 * else its class name (`TypeError`), else `_OTHER` (semantic conventions' fallback). Never its
 * message, which a backend may fill with keys or values.
 */
export function errorType(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === "string" && LOW_CARDINALITY.test(code)) return code;
    if (typeof name === "string" && LOW_CARDINALITY.test(name)) return name;
  }
  return "_OTHER";
}
