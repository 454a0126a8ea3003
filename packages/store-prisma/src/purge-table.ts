import type { ModelDelegate, Where } from "./session-delegate.js";
import { attempt } from "./to-store-error.js";

/**
 * Deletes the rows of one table whose `expiresAt` is at or before `now`, `batchSize` at a
 * time, at most `maxBatches` batches; answers how many it deleted. Each batch selects ids by
 * the `expiresAt` index, then deletes by primary key: portable (PostgreSQL has no
 * `DELETE … LIMIT`) and each batch holds its locks only briefly.
 */
export async function purgeTable<Row extends { expiresAt: bigint }, K extends keyof Row & string>(
  delegate: ModelDelegate<Row>,
  key: K,
  now: bigint,
  batchSize: number,
  maxBatches: number,
): Promise<number> {
  const expired = { expiresAt: { lte: now } } as Where<Row>;
  const select = { [key]: true } as { [P in K]: true };
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await attempt("purgeExpired", () =>
      delegate.findMany({
        where: expired,
        select,
        orderBy: { expiresAt: "asc" } as { [P in keyof Row]?: "asc" },
        take: batchSize,
      }),
    );
    if (rows.length === 0) break;
    const ids = rows.map((row) => row[key]);
    // Still expired: a row rewritten since the select (a new claim, a new lease) stays.
    const { count } = await attempt("purgeExpired", () =>
      delegate.deleteMany({ where: { ...expired, [key]: { in: ids } } as Where<Row> }),
    );
    deleted += count;
    if (rows.length < batchSize) break;
  }
  return deleted;
}
