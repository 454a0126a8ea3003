import {
  assertExpiresAt,
  assertLogoutTokenClaims,
  assertSessionId,
  type LogoutTokenClaims,
  parseStoredSession,
  type SessionData,
  type SessionStore,
  SessionStoreError,
  type SessionWriteOptions,
  serializeSession,
} from "@sessionkit/auth/store";
import { resolveDelegate, type SessionDelegate } from "./session-delegate.js";
import { toStoreError } from "./to-store-error.js";

/** Options of {@link prismaStore}. */
export interface PrismaStoreOptions {
  /**
   * The model delegate that holds sessions, as it appears on the client (`prisma.session`):
   * the model name with a lower-case first letter.
   * @default "session"
   */
  model?: string;
}

/** Options of {@link PrismaSessionStore.purgeExpired}. */
export interface PurgeExpiredOptions {
  /** How many expired rows one batch deletes (one `SELECT` plus one `DELETE`). @default 500 */
  batchSize?: number;
  /** Stop after this many batches, so a cron job stays within its time limit; the next run continues. @default Infinity */
  maxBatches?: number;
}

/** A {@link SessionStore} in a SQL table through Prisma, plus the expired-row purge for a cron job. */
export interface PrismaSessionStore extends SessionStore {
  /**
   * Deletes rows whose `expiresAt` has passed, in batches; answers how many it deleted.
   * `get` already ignores them: this only keeps the table small.
   */
  purgeExpired(options?: PurgeExpiredOptions): Promise<number>;
}

const MAX_BATCH_SIZE = 10_000;

/** Epoch milliseconds as the BigInt column stores them, rounded up so a lifetime is never cut short. */
function toMillis(expiresAt: number): bigint {
  assertExpiresAt(expiresAt);
  return BigInt(Math.ceil(expiresAt));
}

function assertCount(name: string, value: number, max: number): void {
  if (
    value !== Number.POSITIVE_INFINITY &&
    (!Number.isInteger(value) || value < 1 || value > max)
  ) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      `\`${name}\` must be an integer from 1 to ${max}`,
    );
  }
}

/** The columns a write stores besides `id` and `createdAt`. */
function rowFields(session: SessionData, expiresAt: bigint) {
  return {
    data: serializeSession(session),
    iss: session.internal.iss,
    sid: session.internal.sid ?? null,
    sub: session.user.sub,
    expiresAt,
  };
}

/**
 * A session store in a SQL table through the app's own Prisma client (Prisma 7, any
 * driver adapter: PostgreSQL, MySQL/MariaDB, SQLite/libSQL). Add the model from
 * `@sessionkit/store-prisma/prisma/models/<dialect>.prisma` to your schema and apply the
 * matching migration first.
 */
export function prismaStore(prisma: object, options: PrismaStoreOptions = {}): PrismaSessionStore {
  const model = options.model ?? "session";
  const sessions: SessionDelegate = resolveDelegate(prisma, model);

  /** Runs one store operation, turning backend failures into `SessionStoreError`s. */
  const attempt = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toStoreError(error, operation);
    }
  };

  /** Deletes a row we found unreadable or expired, unless it changed meanwhile; a failure here changes no answer. */
  const discard = async (where: Parameters<SessionDelegate["deleteMany"]>[0]["where"]) => {
    try {
      await sessions.deleteMany({ where });
    } catch {
      // The row stays unreadable or expired; the next read or purge tries again.
    }
  };

  return {
    async get(id) {
      assertSessionId(id);
      const now = BigInt(Date.now());
      const row = await attempt("get", () =>
        sessions.findUnique({ where: { id }, select: { data: true, expiresAt: true } }),
      );
      if (!row) return null;
      if (row.expiresAt <= now) {
        await discard({ id, expiresAt: { lte: now } });
        return null;
      }
      const session = parseStoredSession(row.data);
      if (!session) await discard({ id, data: row.data });
      return session;
    },

    async set(id, session, { expiresAt }: SessionWriteOptions) {
      assertSessionId(id);
      const expires = toMillis(expiresAt);
      const fields = rowFields(session, expires);
      const now = Date.now();
      if (expires <= BigInt(now)) {
        await attempt("set", () => sessions.deleteMany({ where: { id } }));
        return;
      }
      const upsert = () =>
        sessions.upsert({
          where: { id },
          create: { id, ...fields, createdAt: BigInt(now) },
          update: fields,
          select: { id: true },
        });
      await attempt("set", async () => {
        try {
          await upsert();
        } catch (error) {
          // Where Prisma emulates upsert (MySQL: read, then insert), a concurrent `set` of the
          // same id can win the insert; the second try then updates.
          const code = (error as { code?: unknown } | null)?.code;
          if (code !== "P2002" && code !== "P2034") throw error;
          await upsert();
        }
      });
    },

    async update(id, session, { expiresAt }: SessionWriteOptions) {
      assertSessionId(id);
      const expires = toMillis(expiresAt);
      const data = rowFields(session, expires);
      const now = BigInt(Date.now());
      const live = { id, expiresAt: { gt: now } };
      if (expires <= now) {
        // Ending a live session is a write; a dead one stays untouched.
        const { count } = await attempt("update", () => sessions.deleteMany({ where: live }));
        return count > 0;
      }
      const { count } = await attempt("update", () => sessions.updateMany({ where: live, data }));
      return count > 0;
    },

    async delete(id) {
      assertSessionId(id);
      await attempt("delete", () => sessions.deleteMany({ where: { id } }));
    },

    async deleteByLogoutToken(claims: LogoutTokenClaims) {
      assertLogoutTokenClaims(claims);
      const { iss, sid, sub } = claims;
      const now = BigInt(Date.now());
      // (iss, sid) or (iss, sub) is the leading part of an index either way.
      const where = sid ? { iss, sid, ...(sub ? { sub } : {}) } : { iss, sub: sub! };
      const { count } = await attempt("deleteByLogoutToken", () =>
        sessions.deleteMany({ where: { ...where, expiresAt: { gt: now } } }),
      );
      return count;
    },

    async purgeExpired(purgeOptions: PurgeExpiredOptions = {}) {
      const batchSize = purgeOptions.batchSize ?? 500;
      const maxBatches = purgeOptions.maxBatches ?? Number.POSITIVE_INFINITY;
      assertCount("batchSize", batchSize, MAX_BATCH_SIZE);
      assertCount("maxBatches", maxBatches, Number.MAX_SAFE_INTEGER);
      // A fixed cut-off, so the loop ends even while sessions keep expiring.
      const now = BigInt(Date.now());
      let deleted = 0;
      for (let batch = 0; batch < maxBatches; batch++) {
        // Select, then delete by primary key: portable (PostgreSQL has no DELETE … LIMIT)
        // and each batch holds its locks only briefly.
        const rows = await attempt("purgeExpired", () =>
          sessions.findMany({
            where: { expiresAt: { lte: now } },
            select: { id: true },
            orderBy: { expiresAt: "asc" },
            take: batchSize,
          }),
        );
        if (rows.length === 0) break;
        const ids = rows.map((row) => row.id);
        const { count } = await attempt("purgeExpired", () =>
          sessions.deleteMany({ where: { id: { in: ids }, expiresAt: { lte: now } } }),
        );
        deleted += count;
        if (rows.length < batchSize) break;
      }
      return deleted;
    },
  };
}
