import {
  assertExpiresAt,
  assertLogoutTokenClaims,
  assertSessionOwner,
  type LogoutTokenClaims,
  type LogoutTokenReplayStore,
  parseStoredSession,
  type RefreshLeaseStore,
  type SessionData,
  type SessionStore,
  SessionStoreError,
  type StoredSession,
  serializeSession,
} from "@sessionkit/auth/store";

/** Options of {@link mapStore}. */
export interface MapStoreOptions {
  /** Prepended to every key, so stores sharing a map never meet. @default "session:" */
  prefix?: string;
}

/** One stored row: the session as JSON text, plus what the indexes need. */
interface Row {
  json: string;
  expiresAt: number;
  iss: string;
  sid?: string;
  sub: string;
}

/** One refresh lease: who holds it, until when. */
interface Lease {
  holder: string;
  expiresAt: number;
}

/**
 * A complete small SessionStore over a `Map<string, string>` (a stand-in for
 * any key-value backend), with both optional extensions. The map's calls are
 * synchronous, so every method reads and writes without yielding: that is what
 * makes `update()`, `touch()`, a claim and a lease atomic here. A real driver
 * gets the same from a transaction, a Lua script or a conditional write.
 */
export function mapStore(
  map: Map<string, string>,
  options: MapStoreOptions = {},
): SessionStore & LogoutTokenReplayStore & RefreshLeaseStore {
  const prefix = options.prefix ?? "session:";
  const rowKey = (id: string) => `${prefix}row:${id}`;
  const claimKey = (jti: string) => `${prefix}jti:${jti}`;
  const leaseKey = (id: string) => `${prefix}lease:${id}`;
  const indexKey = (iss: string, kind: "sid" | "sub", value: string) =>
    `${prefix}${kind}:${JSON.stringify([iss, value])}`;

  /** Backend failures become typed errors; bad data never does. */
  const backend = <T>(operation: () => T): T => {
    try {
      return operation();
    } catch (error) {
      if (error instanceof SessionStoreError) throw error;
      throw new SessionStoreError("STORE_UNAVAILABLE", "the map is unavailable", { cause: error });
    }
  };

  const readRow = (id: string): Row | undefined => {
    const text = map.get(rowKey(id));
    if (text === undefined) return undefined;
    try {
      const row = JSON.parse(text) as Row;
      if (typeof row.json === "string" && Number.isFinite(row.expiresAt)) return row;
    } catch {
      // Unreadable: treated as missing below.
    }
    map.delete(rowKey(id)); // its index entries are checked lazily on logout
    return undefined;
  };
  const readIndex = (key: string): string[] => {
    const text = map.get(key) ?? "[]"; // outside the try: a backend failure must surface
    try {
      const ids: unknown = JSON.parse(text);
      return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
    } catch {
      return [];
    }
  };
  const writeIndex = (key: string, ids: string[]) =>
    ids.length > 0 ? map.set(key, JSON.stringify(ids)) : map.delete(key);
  const indexKeys = (row: Row) => [
    indexKey(row.iss, "sub", row.sub),
    ...(row.sid ? [indexKey(row.iss, "sid", row.sid)] : []),
  ];

  const remove = (id: string): Row | undefined => {
    const row = readRow(id);
    if (!row) return undefined;
    map.delete(rowKey(id));
    for (const key of indexKeys(row))
      writeIndex(
        key,
        readIndex(key).filter((x) => x !== id),
      );
    return row;
  };
  const write = (id: string, session: SessionData, expiresAt: number) => {
    const json = serializeSession(session); // throws STORE_INVALID_ARGUMENT for a non-session
    remove(id);
    if (expiresAt <= Date.now()) return; // a past expiresAt deletes
    const { iss, sid } = session.internal;
    const row: Row = { json, expiresAt, iss, sid, sub: session.user.sub };
    map.set(rowKey(id), JSON.stringify(row));
    for (const key of indexKeys(row)) writeIndex(key, [...readIndex(key), id]);
  };
  const isLive = (row: Row | undefined): row is Row => !!row && row.expiresAt > Date.now();
  const readLease = (id: string): Lease | undefined => {
    const text = map.get(leaseKey(id));
    const lease = text === undefined ? undefined : (JSON.parse(text) as Lease);
    return lease && lease.expiresAt > Date.now() ? lease : undefined;
  };
  const assertName = (value: string, what: string) => {
    if (typeof value !== "string" || value === "") {
      throw new SessionStoreError("STORE_INVALID_ARGUMENT", `${what} must be a non-empty string`);
    }
  };

  return {
    async get(id) {
      return backend(() => {
        const row = readRow(id);
        if (!isLive(row)) return null;
        const session = parseStoredSession(row.json); // a fresh copy, or null if unreadable
        if (!session) remove(id);
        return session;
      });
    },
    async set(id, session, { expiresAt }) {
      backend(() => write(id, session, expiresAt));
    },
    async update(id, session, { expiresAt }) {
      return backend(() => {
        const row = readRow(id);
        if (!isLive(row) || !parseStoredSession(row.json)) return false;
        write(id, session, expiresAt);
        return true;
      });
    },
    async touch(id, { expiresAt }) {
      assertExpiresAt(expiresAt); // NaN would otherwise end up stored as the expiry
      return backend(() => {
        const row = readRow(id);
        if (!isLive(row)) return false;
        if (expiresAt <= Date.now()) {
          remove(id); // a past expiresAt ends the session
          return false;
        }
        // Only the expiry moves; the index entries here have no expiry of their own.
        map.set(rowKey(id), JSON.stringify({ ...row, expiresAt }));
        return true;
      });
    },
    async delete(id) {
      backend(() => remove(id));
    },
    async deleteByLogoutToken(claims: LogoutTokenClaims) {
      assertLogoutTokenClaims(claims); // neither sid nor sub: STORE_INVALID_ARGUMENT
      const { iss, sid, sub } = claims;
      return backend(() => {
        const key = sid ? indexKey(iss, "sid", sid) : indexKey(iss, "sub", sub!);
        let ended = 0;
        for (const id of readIndex(key)) {
          const row = readRow(id);
          // Entries of rows that are gone or changed are stale: drop them, count nothing.
          const matches =
            row && row.iss === iss && (!sid || row.sid === sid) && (!sub || row.sub === sub);
          if (!matches) {
            writeIndex(
              key,
              readIndex(key).filter((x) => x !== id),
            );
            continue;
          }
          remove(id);
          if (isLive(row)) ended++;
        }
        return ended;
      });
    },
    async listSessions(owner) {
      assertSessionOwner(owner); // an empty iss or sub: STORE_INVALID_ARGUMENT
      const { iss, sub } = owner;
      return backend(() => {
        const found: StoredSession[] = [];
        for (const id of readIndex(indexKey(iss, "sub", sub))) {
          const row = readRow(id);
          // The index may be stale: list only live rows that still belong to this user.
          if (!isLive(row) || row.iss !== iss || row.sub !== sub) continue;
          const session = parseStoredSession(row.json);
          if (session) found.push({ id, session, expiresAt: row.expiresAt });
        }
        return found;
      });
    },

    // Optional extension: logout-token replay memory.
    async claimLogoutToken(jti, expiresAt) {
      assertName(jti, "a logout token's `jti`");
      assertExpiresAt(expiresAt);
      return backend(() => {
        const claimedUntil = Number(map.get(claimKey(jti)));
        if (claimedUntil > Date.now()) return false; // a live claim: a replay
        map.set(claimKey(jti), String(expiresAt));
        return true;
      });
    },
    async releaseLogoutToken(jti) {
      assertName(jti, "a logout token's `jti`");
      backend(() => map.delete(claimKey(jti)));
    },

    // Optional extension: refresh leases, independent of the session rows.
    async acquireRefreshLease(id, holder, expiresAt) {
      assertName(holder, "a lease's `holder`");
      assertExpiresAt(expiresAt);
      return backend(() => {
        if (expiresAt <= Date.now()) return false; // takes nothing
        const lease = readLease(id);
        if (lease && lease.holder !== holder) return false;
        map.set(leaseKey(id), JSON.stringify({ holder, expiresAt }));
        return true;
      });
    },
    async releaseRefreshLease(id, holder) {
      assertName(holder, "a lease's `holder`");
      backend(() => {
        if (readLease(id)?.holder === holder) map.delete(leaseKey(id));
      });
    },
  };
}
