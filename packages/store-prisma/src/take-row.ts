import type { ModelDelegate, Where } from "./session-delegate.js";
import { attempt, isUniqueViolation, retryConflicts, toStoreError } from "./to-store-error.js";

/** How often a take retries when the row it saw vanished before it could rewrite it. */
const ROUNDS = 3;

/**
 * Takes the row with primary key `key` (one column) for `row`'s owner, atomically, with no
 * transaction: an insert that only the first writer wins (the primary key refuses the rest,
 * `P2002`), else one conditional `UPDATE` of the existing row where `takeable` allows it
 * (expired, or already the same holder's). The database re-checks that condition under the
 * row lock, so of two racers taking one expired row only one matches. Answers whether it took.
 *
 * The common case (no row yet) is one statement; a refusal costs three.
 */
export async function takeRow<Row, K extends keyof Row & string>(
  delegate: ModelDelegate<Row>,
  operation: string,
  key: K,
  row: Row,
  takeable: (now: bigint) => Where<Row>[],
): Promise<boolean> {
  const where = { [key]: row[key] } as Pick<Row, K>;
  const select = { [key]: true } as { [P in K]: true };
  for (let round = 0; round < ROUNDS; round++) {
    try {
      await retryConflicts(() => delegate.create({ data: row, select }));
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw toStoreError(error, operation);
    }
    const now = BigInt(Date.now());
    const { count } = await attempt(operation, () =>
      delegate.updateMany({ where: { ...where, OR: takeable(now) } as Where<Row>, data: row }),
    );
    if (count > 0) return true;
    // Still there: someone else's live row, a refusal. Gone (released meanwhile): insert again.
    const current = await attempt(operation, () =>
      delegate.findUnique({ where: where as Partial<Row>, select }),
    );
    if (current) return false;
  }
  // Taken and released by others on every round: as busy as a live row.
  return false;
}
