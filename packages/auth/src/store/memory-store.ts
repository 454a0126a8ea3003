import { SessionStoreError } from "./session-store-error.js";
import {
  assertExpiresAt,
  assertLogoutTokenClaims,
  assertSessionId,
  assertSessionOwner,
  serializeSession,
} from "./stored-session.js";
import type {
  LogoutTokenClaims,
  LogoutTokenReplayStore,
  RefreshLeaseStore,
  SessionData,
  SessionOwner,
  SessionStore,
  SessionWriteOptions,
  StoredSession,
} from "./types.js";

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * How often expired sessions, logout-token claims and refresh leases are swept out (checked
   * on writes), in seconds. Expired records are never served either way; this only bounds memory.
   * @default 60
   */
  sweepIntervalSeconds?: number;
}

interface Entry {
  /** The session as JSON, so every read hands out a fresh copy. */
  json: string;
  /** The record's expiry: the last `expiresAt` given to set, update or touch. */
  expiresAt: number;
  sidKey: string | undefined;
  subKey: string;
}

interface Lease {
  holder: string;
  expiresAt: number;
}

const indexKey = (iss: string, kind: "sid" | "sub", value: string) =>
  JSON.stringify([iss, kind, value]);

const invalid = (message: string) => new SessionStoreError("STORE_INVALID_ARGUMENT", message);

function resolveSweepInterval(options: MemoryStoreOptions): number {
  if (typeof options !== "object" || options === null) {
    throw invalid("memoryStore: options must be an object, e.g. { sweepIntervalSeconds: 60 }");
  }
  if ("sweepInterval" in options) {
    throw invalid(
      "memoryStore: `sweepInterval` (milliseconds) was renamed `sweepIntervalSeconds` (seconds)",
    );
  }
  const seconds = options.sweepIntervalSeconds ?? 60;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw invalid("memoryStore: `sweepIntervalSeconds` must be a finite number of seconds, ≥ 0");
  }
  return seconds * 1000;
}

function assertNonEmpty(value: string, what: string): void {
  if (typeof value !== "string" || value === "") {
    throw invalid(`${what} must be a non-empty string`);
  }
}

/**
 * The reference store: sessions in this process's memory, with the same `sid`/`sub` indexes,
 * expiry and copy-on-read rules as every driver, plus logout-token replay memory and refresh
 * leases. Sessions do not survive a restart and are not shared between instances: use it for
 * development, single-instance apps and tests.
 */
export function memoryStore(
  options: MemoryStoreOptions = {},
): SessionStore & LogoutTokenReplayStore & RefreshLeaseStore {
  const sweepIntervalMs = resolveSweepInterval(options);
  const entries = new Map<string, Entry>();
  const index = new Map<string, Set<string>>();
  /** Claimed logout-token `jti`s → when the claim ends. */
  const claims = new Map<string, number>();
  /** Session id → its refresh lease. */
  const leases = new Map<string, Lease>();
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
    if (now - lastSweep < sweepIntervalMs) return;
    lastSweep = now;
    for (const [id, entry] of entries) if (entry.expiresAt <= now) remove(id);
    for (const [jti, expiresAt] of claims) if (expiresAt <= now) claims.delete(jti);
    for (const [id, lease] of leases) if (lease.expiresAt <= now) leases.delete(id);
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
    name: "memory",
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

    async touch(id, { expiresAt }) {
      assertSessionId(id);
      assertExpiresAt(expiresAt);
      const now = Date.now();
      const entry = live(id, now);
      if (!entry) return false;
      if (expiresAt <= now) {
        remove(id);
        return false;
      }
      // The index is keyed by id and judged by the entry's expiry: it follows on its own.
      entry.expiresAt = expiresAt;
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

    async listSessions(owner: SessionOwner) {
      assertSessionOwner(owner);
      const ids = index.get(indexKey(owner.iss, "sub", owner.sub));
      if (!ids) return [];
      const now = Date.now();
      const found: StoredSession[] = [];
      for (const id of [...ids]) {
        const entry = live(id, now);
        if (!entry) continue;
        found.push({
          id,
          session: JSON.parse(entry.json) as SessionData,
          expiresAt: entry.expiresAt,
        });
      }
      return found;
    },

    async claimLogoutToken(jti, expiresAt) {
      assertNonEmpty(jti, "a logout token's `jti`");
      assertExpiresAt(expiresAt);
      const now = Date.now();
      sweep(now);
      const claimedUntil = claims.get(jti);
      if (claimedUntil !== undefined && claimedUntil > now) return false;
      claims.set(jti, expiresAt);
      return true;
    },

    async releaseLogoutToken(jti) {
      assertNonEmpty(jti, "a logout token's `jti`");
      claims.delete(jti);
    },

    async acquireRefreshLease(id, holder, expiresAt) {
      assertSessionId(id);
      assertNonEmpty(holder, "a refresh lease's `holder`");
      assertExpiresAt(expiresAt);
      const now = Date.now();
      sweep(now);
      if (expiresAt <= now) return false;
      const lease = leases.get(id);
      if (lease && lease.holder !== holder && lease.expiresAt > now) return false;
      leases.set(id, { holder, expiresAt });
      return true;
    },

    async releaseRefreshLease(id, holder) {
      assertSessionId(id);
      assertNonEmpty(holder, "a refresh lease's `holder`");
      if (leases.get(id)?.holder === holder) leases.delete(id);
    },
  };
}
