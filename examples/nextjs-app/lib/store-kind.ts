/** The session stores the demo can run with (`SESSION_STORE`). */
export const STORE_KINDS = ["cookie", "redis", "prisma", "dynamodb"] as const;

export type StoreKind = (typeof STORE_KINDS)[number];

/** `SESSION_STORE`, defaulting to stateless cookies; anything else is a configuration error. */
export function storeKindFrom(value: string | undefined): StoreKind {
  const kind = (value ?? "").trim().toLowerCase() || "cookie";
  if ((STORE_KINDS as readonly string[]).includes(kind)) return kind as StoreKind;
  throw new Error(`SESSION_STORE must be one of ${STORE_KINDS.join(", ")} (got "${value}")`);
}

/** A URL safe to show on a page: no username or password. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    url.username = "";
    url.password = "";
    return url.href;
  } catch {
    return "(unparseable URL)";
  }
}
