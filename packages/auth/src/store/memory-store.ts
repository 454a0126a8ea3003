import {
  assertExpiresAt,
  assertLogoutTokenClaims,
  assertSessionId,
  serializeSession,
} from "./stored-session.js";
import type { LogoutTokenClaims, SessionData, SessionStore, SessionWriteOptions } from "./types.js";

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** How often expired sessions are swept out (checked on writes), in milliseconds. @default 60_000 */
  sweepInterval?: number;
}

interface Entry {
  /** The session as JSON, so every read hands out a fresh copy. */
  json: string;
  expiresAt: number;
  sidKey: string | undefined;
  subKey: string;
}

const indexKey = (iss: string, kind: "sid" | "sub", value: string) =>
  JSON.stringify([iss, kind, value]);

/**
 * The reference `SessionStore`: sessions in this process's memory, with the
 * same `sid`/`sub` indexes, expiry and copy-on-read rules as every driver.
 * Sessions do not survive a restart and are not shared between instances:
 * use it for development, single-instance apps and tests.
 */
export function memoryStore(options: MemoryStoreOptions = {}): SessionStore {
  const sweepInterval = options.sweepInterval ?? 60_000;
  const entries = new Map<string, Entry>();
  const index = new Map<string, Set<string>>();
  let lastSweep = Date.now();

  const link = (key: string, id: string) => {
    const ids = index.get(key);
    if (ids) ids.add(id);
    else index.set(key, new Set([id]));
  };
  const unlink = (key: string | undefined, id: string) => {
    if (key === undefined) return;
    const ids = index.get(key);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) index.delete(key);
  };
  const remove = (id: string) => {
    const entry = entries.get(id);
    if (!entry) return false;
    entries.delete(id);
    unlink(entry.sidKey, id);
    unlink(entry.subKey, id);
    return true;
  };
  /** The entry under `id` if it is live; a dead one is removed on the way. */
  const live = (id: string, now: number) => {
    const entry = entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      remove(id);
      return undefined;
    }
    return entry;
  };
  const sweep = (now: number) => {
    if (now - lastSweep < sweepInterval) return;
    lastSweep = now;
    for (const [id, entry] of entries) if (entry.expiresAt <= now) remove(id);
  };
  const write = (id: string, session: SessionData, { expiresAt }: SessionWriteOptions) => {
    const json = serializeSession(session);
    remove(id);
    const { iss, sid } = session.internal;
    const entry: Entry = {
      json,
      expiresAt,
      sidKey: sid ? indexKey(iss, "sid", sid) : undefined,
      subKey: indexKey(iss, "sub", session.user.sub),
    };
    entries.set(id, entry);
    if (entry.sidKey) link(entry.sidKey, id);
    link(entry.subKey, id);
  };

  return {
    async get(id) {
      assertSessionId(id);
      const entry = live(id, Date.now());
      // The JSON was checked by `serializeSession` on the way in: parsing is the copy.
      return entry ? (JSON.parse(entry.json) as SessionData) : null;
    },

    async set(id, session, writeOptions) {
      assertSessionId(id);
      assertExpiresAt(writeOptions.expiresAt);
      const now = Date.now();
      sweep(now);
      if (writeOptions.expiresAt <= now) {
        remove(id);
        return;
      }
      write(id, session, writeOptions);
    },

    async update(id, session, writeOptions) {
      assertSessionId(id);
      assertExpiresAt(writeOptions.expiresAt);
      const now = Date.now();
      if (!live(id, now)) return false;
      if (writeOptions.expiresAt <= now) {
        remove(id);
        return true;
      }
      write(id, session, writeOptions);
      return true;
    },

    async delete(id) {
      assertSessionId(id);
      remove(id);
    },

    async deleteByLogoutToken(claims: LogoutTokenClaims) {
      assertLogoutTokenClaims(claims);
      const { iss, sid, sub } = claims;
      const now = Date.now();
      const candidates = sid
        ? index.get(indexKey(iss, "sid", sid))
        : index.get(indexKey(iss, "sub", sub!));
      if (!candidates) return 0;
      const wantedSub = sid && sub ? indexKey(iss, "sub", sub) : undefined;
      let ended = 0;
      for (const id of [...candidates]) {
        const entry = entries.get(id);
        if (!entry) continue;
        if (wantedSub && entry.subKey !== wantedSub) continue;
        const wasLive = entry.expiresAt > now;
        remove(id);
        if (wasLive) ended++;
      }
      return ended;
    },
  };
}
