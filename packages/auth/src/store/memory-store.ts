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
  /** The index keys the entry is linked under: its `sub` key, and its `sid` key when it has a `sid`. */
  keys: string[];
}

/** A logout-token claim, or (with its holder) a refresh lease. */
interface Held {
  expiresAt: number;
}

interface Lease extends Held {
  holder: string;
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
  const claims = new Map<string, Held>();
  /** Session id → its refresh lease. */
  const leases = new Map<string, Lease>();
  let lastSweep = Date.now();

  const link = (key: string, id: string) => {
    const ids = index.get(key);
    if (ids) ids.add(id);
    else index.set(key, new Set([id]));
  };
  const remove = (id: string) => {
    const entry = entries.get(id);
    if (!entry) return;
    entries.delete(id);
    for (const key of entry.keys) {
      // Every key of an entry was linked by write(): the set is there.
      const ids = index.get(key)!;
      ids.delete(id);
      if (ids.size === 0) index.delete(key);
    }
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
  /** The claim or lease under `key` if it is live; a dead one is removed on the way. */
  const held = <V extends Held>(map: Map<string, V>, key: string, now: number) => {
    const value = map.get(key);
    if (!value) return undefined;
    if (value.expiresAt <= now) {
      map.delete(key);
      return undefined;
    }
    return value;
  };
  // The sweep only bounds memory: it removes what live() and held() would remove when next
  // asked, and expired records are never served, listed, counted or taken either way. Sweeping
  // less often, or never, is the same to every caller: those mutants are equivalent (MUTANTS.md).
  // Stryker disable BlockStatement,ConditionalExpression,EqualityOperator,ArithmeticOperator: when to sweep is housekeeping (MUTANTS.md)
  const sweep = (now: number) => {
    if (now - lastSweep < sweepIntervalMs) return;
    // Stryker restore BlockStatement,ConditionalExpression,EqualityOperator,ArithmeticOperator
    lastSweep = now;
    for (const id of entries.keys()) live(id, now);
    for (const jti of claims.keys()) held(claims, jti, now);
    for (const id of leases.keys()) held(leases, id, now);
  };
  /**
   * Stores the session under `id`, re-indexed. A past `expiresAt` stores a record that is
   * already dead: never served, listed, touched or counted, and swept later.
   */
  const write = (id: string, session: SessionData, { expiresAt }: SessionWriteOptions) => {
    const json = serializeSession(session);
    remove(id);
    const { iss, sid } = session.internal;
    const keys = [indexKey(iss, "sub", session.user.sub)];
    if (sid) keys.push(indexKey(iss, "sid", sid));
    entries.set(id, { json, expiresAt, keys });
    for (const key of keys) link(key, id);
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
      sweep(Date.now());
      write(id, session, writeOptions);
    },

    async update(id, session, writeOptions) {
      assertSessionId(id);
      assertExpiresAt(writeOptions.expiresAt);
      if (!live(id, Date.now())) return false;
      write(id, session, writeOptions);
      return true;
    },

    async touch(id, { expiresAt }) {
      assertSessionId(id);
      assertExpiresAt(expiresAt);
      const now = Date.now();
      const entry = live(id, now);
      if (!entry) return false;
      // The index is keyed by id and judged by the entry's expiry: it follows on its own. A
      // past `expiresAt` ends the session here and now.
      entry.expiresAt = expiresAt;
      return expiresAt > now;
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
        // The index names only ids with an entry: remove() unlinks in the same step.
        const entry = entries.get(id)!;
        if (wantedSub && !entry.keys.includes(wantedSub)) continue;
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
      if (held(claims, jti, now)) return false;
      claims.set(jti, { expiresAt });
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
      const lease = held(leases, id, now);
      if (lease && lease.holder !== holder) return false;
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
