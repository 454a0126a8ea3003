import { isNetworkErrorCode } from "./network-error.js";
import { SessionStoreError } from "./session-store-error.js";

type Fields = Record<string, unknown>;

const asFields = (value: unknown): Fields | undefined =>
  typeof value === "object" && value !== null ? (value as Fields) : undefined;

/**
 * Every error in a failure's chain, breadth first: the error, its `cause`s and the members of an
 * `AggregateError` (Node reports a refused dual-stack connection as one). Drivers may add more
 * links of their own (`extraLinks`), e.g. Prisma's driver adapter error. Bounded, cycle-safe.
 */
export function* errorChain(
  error: unknown,
  extraLinks: (fields: Fields) => unknown[] = () => [],
): Generator<Fields> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 16) {
    const fields = asFields(queue.shift());
    if (!fields || seen.has(fields)) continue;
    seen.add(fields);
    yield fields;
    queue.push(fields.cause, ...extraLinks(fields));
    if (Array.isArray(fields.errors)) queue.push(...fields.errors);
  }
}

/** Whether any error in the chain carries a code that means the backend is unreachable. */
export function hasNetworkErrorCode(error: unknown): boolean {
  for (const fields of errorChain(error)) {
    if (isNetworkErrorCode(fields.code)) return true;
  }
  return false;
}

/**
 * Runs one backend call and turns whatever it throws into a {@link SessionStoreError} through the
 * driver's own `toStoreError` (a `SessionStoreError` passes through unchanged). Every driver
 * operation goes through one of these, so none can leak a raw client error.
 */
export async function storeCall<T>(
  operation: string,
  run: () => Promise<T>,
  toStoreError: (error: unknown, operation: string) => SessionStoreError,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof SessionStoreError ? error : toStoreError(error, operation);
  }
}
