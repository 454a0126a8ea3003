import {
  assertExpiresAt,
  assertLogoutTokenClaims,
  assertSessionId,
  assertSessionOwner,
  type LogoutTokenClaims,
  type LogoutTokenReplayStore,
  parseStoredSession,
  type RefreshLeaseStore,
  type SessionData,
  type SessionOwner,
  type SessionStore,
  SessionStoreError,
  type SessionWriteOptions,
  type StoredSession,
  serializeSession,
} from "@sessionkit/auth/store";
import { purgeTable } from "./purge-table.js";
import {
  type LogoutTokenClaimRow,
  type RefreshLeaseRow,
  resolveDelegate,
  resolveOptionalDelegate,
  type SessionDelegate,
} from "./session-delegate.js";
import { takeRow } from "./take-row.js";
import { attempt, isUniqueViolation } from "./to-store-error.js";

/** Options of {@link prismaStore}. */
export interface PrismaStoreOptions {
  /**
   * The model delegate that holds sessions, as it appears on the client (`prisma.session`):
   * the model name with a lower-case first letter.
   * @default "session"
   */
  model?: string;
  /**
   * The model delegate that remembers back-channel logout tokens (`prisma.logoutTokenClaim`),
   * shared by every app instance: with it the store has `claimLogoutToken` and
   * `releaseLogoutToken`. `false` goes without (each instance then remembers on its own).
   * @default "logoutTokenClaim" when the client has that delegate, else none
   */
  logoutTokenModel?: string | false;
  /**
   * The model delegate that holds refresh leases (`prisma.refreshLease`), so one app instance
   * at a time spends a session's refresh token: with it the store has `acquireRefreshLease`
   * and `releaseRefreshLease`. `false` goes without.
   * @default "refreshLease" when the client has that delegate, else none
   */
  refreshLeaseModel?: string | false;
}

/** Options of {@link PrismaSessionStore.purgeExpired}. */
export interface PurgeExpiredOptions {
  /** How many expired rows one batch deletes (one `SELECT` plus one `DELETE`). @default 500 */
  batchSize?: number;
  /**
   * Stop after this many batches per table, so a cron job stays within its time limit; the
   * next run continues. @default Infinity
   */
  maxBatches?: number;
}

/**
 * A `SessionStore` in a SQL table through Prisma, plus the expired-row purge for a cron
 * job. `claimLogoutToken`/`releaseLogoutToken` and `acquireRefreshLease`/`releaseRefreshLease`
 * are there when the client has their models (see {@link PrismaStoreOptions}).
 */
export interface PrismaSessionStore
  extends SessionStore,
    Partial<LogoutTokenReplayStore>,
    Partial<RefreshLeaseStore> {
  /**
   * Deletes expired sessions, logout-token claims and refresh leases, in batches; answers how
   * many rows it deleted in all. `get` already ignores them: this only keeps the tables small.
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

/** Checks a string key the extensions take (`jti`, `holder`): non-empty. */
function assertKey(name: string, value: string): void {
  if (typeof value !== "string" || value === "") {
    throw new SessionStoreError("STORE_INVALID_ARGUMENT", `\`${name}\` must be a non-empty string`);
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
  const claims = resolveOptionalDelegate<LogoutTokenClaimRow>(
    prisma,
    options.logoutTokenModel,
    "logoutTokenClaim",
    "logoutTokenModel",
  );
  const leases = resolveOptionalDelegate<RefreshLeaseRow>(
    prisma,
    options.refreshLeaseModel,
    "refreshLease",
    "refreshLeaseModel",
  );

  /** Deletes a row we found unreadable or expired, unless it changed meanwhile; a failure here changes no answer. */
  const discard = async (where: Parameters<SessionDelegate["deleteMany"]>[0]["where"]) => {
    try {
      await sessions.deleteMany({ where });
    } catch {
      // The row stays unreadable or expired; the next read or purge tries again.
    }
  };

  const store: PrismaSessionStore = {
    name: "prisma",
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
          // same id can win the insert; the second try then updates. (Deadlock victims are
          // run again by `attempt`.)
          if (!isUniqueViolation(error)) throw error;
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

    async touch(id, { expiresAt }: SessionWriteOptions) {
      assertSessionId(id);
      const expires = toMillis(expiresAt);
      const now = BigInt(Date.now());
      if (expires <= now) {
        // Ends the session either way; only a live one moving counts as `true`, and this is not that.
        await attempt("touch", () => sessions.deleteMany({ where: { id } }));
        return false;
      }
      // One conditional UPDATE of the expiry column alone: the data is never written, and a row
      // that expired or was deleted meanwhile matches nothing (no resurrection).
      const { count } = await attempt("touch", () =>
        sessions.updateMany({
          where: { id, expiresAt: { gt: now } },
          data: { expiresAt: expires },
        }),
      );
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

    async listSessions(owner: SessionOwner) {
      assertSessionOwner(owner);
      const { iss, sub } = owner;
      const now = BigInt(Date.now());
      // One SELECT on the (iss, sub) index; expiry is checked on the rows it finds.
      const rows = await attempt("listSessions", () =>
        sessions.findMany({
          where: { iss, sub, expiresAt: { gt: now } },
          select: { id: true, data: true, expiresAt: true },
        }),
      );
      const list: StoredSession[] = [];
      for (const row of rows) {
        const session = parseStoredSession(row.data);
        // Unreadable, or data that disagrees with its own index columns: not this user's session.
        if (!session || session.user.sub !== sub || session.internal.iss !== iss) continue;
        list.push({ id: row.id, session, expiresAt: Number(row.expiresAt) });
      }
      return list;
    },

    async purgeExpired(purgeOptions: PurgeExpiredOptions = {}) {
      const batchSize = purgeOptions.batchSize ?? 500;
      const maxBatches = purgeOptions.maxBatches ?? Number.POSITIVE_INFINITY;
      assertCount("batchSize", batchSize, MAX_BATCH_SIZE);
      assertCount("maxBatches", maxBatches, Number.MAX_SAFE_INTEGER);
      // A fixed cut-off, so the loop ends even while rows keep expiring.
      const now = BigInt(Date.now());
      let deleted = await purgeTable(sessions, "id", now, batchSize, maxBatches);
      if (claims) deleted += await purgeTable(claims, "jti", now, batchSize, maxBatches);
      if (leases) deleted += await purgeTable(leases, "id", now, batchSize, maxBatches);
      return deleted;
    },
  };

  if (claims) {
    Object.assign(store, {
      async claimLogoutToken(jti: string, expiresAt: number) {
        assertKey("jti", jti);
        const row = { jti, expiresAt: toMillis(expiresAt) };
        // First claim inserts; an expired claim is taken over; a live one refuses (a replay).
        return takeRow(claims, "claimLogoutToken", "jti", row, (now) => [
          { expiresAt: { lte: now } },
        ]);
      },
      async releaseLogoutToken(jti: string) {
        assertKey("jti", jti);
        await attempt("releaseLogoutToken", () => claims.deleteMany({ where: { jti } }));
      },
    } satisfies LogoutTokenReplayStore);
  }

  if (leases) {
    Object.assign(store, {
      async acquireRefreshLease(id: string, holder: string, expiresAt: number) {
        assertSessionId(id);
        assertKey("holder", holder);
        const expires = toMillis(expiresAt);
        if (expires <= BigInt(Date.now())) return false;
        // A free id inserts; an expired lease, or the holder's own (extended), is taken over.
        return takeRow(
          leases,
          "acquireRefreshLease",
          "id",
          { id, holder, expiresAt: expires },
          (now) => [{ holder }, { expiresAt: { lte: now } }],
        );
      },
      async releaseRefreshLease(id: string, holder: string) {
        assertSessionId(id);
        assertKey("holder", holder);
        await attempt("releaseRefreshLease", () => leases.deleteMany({ where: { id, holder } }));
      },
    } satisfies RefreshLeaseStore);
  }

  return store;
}
