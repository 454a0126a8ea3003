import {
  assertLogoutTokenClaims,
  type LogoutTokenClaims,
  parseStoredSession,
  type SessionData,
  type SessionStore,
  SessionStoreError,
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

/**
 * A complete small SessionStore over a `Map<string, string>` (a stand-in for
 * any key-value backend). The map's calls are synchronous, so every method
 * reads and writes without yielding: that is what makes `update()` atomic here.
 * A real driver gets the same from a transaction, a Lua script or a conditional write.
 */
export function mapStore(map: Map<string, string>, options: MapStoreOptions = {}): SessionStore {
  const prefix = options.prefix ?? "session:";
  const rowKey = (id: string) => `${prefix}row:${id}`;
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
  };
}
