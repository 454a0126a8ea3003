import {
  type LogoutTokenClaims,
  memoryStore,
  type SessionData,
  type SessionStore,
  SessionStoreError,
} from "@sessionkit/auth/store";
import { FlakyMap } from "./flaky-map.js";
import { mapStore } from "./map-store.js";

/** The suite's groups, by the name in their describe titles. */
export const groupNames = [
  "basics",
  "expiry",
  "update",
  "touch",
  "back-channel logout",
  "list sessions",
  "fidelity",
  "isolation",
  "concurrency",
  "logout-token replay",
  "refresh lease",
  "corrupt data",
  "faults",
] as const;

export type GroupName = (typeof groupNames)[number];

/** A store with exactly one bug, and the group that must catch it. */
export interface BrokenStore {
  key: string;
  bug: string;
  group: GroupName;
  /** Part of the title of the test in that group that must fail (others may fail too). */
  caughtBy: string;
  createStore(): SessionStore;
  corrupt?(store: SessionStore, id: string): Promise<void>;
  outage?: { stop(): Promise<void>; start(): Promise<void> };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** The reference store: the contract and both optional extensions. */
type FullStore = ReturnType<typeof memoryStore>;

/**
 * memoryStore() with some methods replaced (or, set to `undefined`, removed); `inner` is the
 * real one underneath.
 */
const wrapMemory = (override: (inner: FullStore) => Partial<FullStore>) => (): SessionStore => {
  const inner = memoryStore();
  return { ...inner, ...override(inner) };
};

/** mapStore over its own FlakyMap, for the bugs that need corrupt records or an outage. */
function onFlakyMap(
  override: (inner: SessionStore, map: FlakyMap, prefix: string) => Partial<SessionStore>,
) {
  const map = new FlakyMap();
  let next = 0;
  const prefixes = new WeakMap<SessionStore, string>();
  return {
    createStore(): SessionStore {
      const prefix = `s${next++}:`;
      const inner = mapStore(map, { prefix });
      const store = { ...inner, ...override(inner, map, prefix) };
      prefixes.set(store, prefix);
      return store;
    },
    async corrupt(store: SessionStore, id: string) {
      map.set(`${prefixes.get(store)}row:${id}`, "{not json");
    },
    outage: map.outage(),
  };
}

/** Tracks ids per sid/sub itself, never forgetting one: for the index bugs. */
function ownIndex() {
  const byKey = new Map<string, Set<string>>();
  const key = (iss: string, kind: string, value: string) => JSON.stringify([iss, kind, value]);
  return {
    add(id: string, session: SessionData) {
      const { iss, sid } = session.internal;
      const keys = [key(iss, "sub", session.user.sub), ...(sid ? [key(iss, "sid", sid)] : [])];
      for (const k of keys) byKey.set(k, (byKey.get(k) ?? new Set()).add(id));
    },
    ids(claims: LogoutTokenClaims) {
      const k = claims.sid
        ? key(claims.iss, "sid", claims.sid)
        : key(claims.iss, "sub", claims.sub ?? "");
      return [...(byKey.get(k) ?? [])];
    },
  };
}

let sharedInner: SessionStore | undefined;
let sharedClaims: FullStore | undefined;
let sharedLeases: FullStore | undefined;

/** Remembers each stored session's data and record expiry, as a driver's own bookkeeping would. */
function ownRecords() {
  const records = new Map<string, { session: SessionData; expiresAt: number }>();
  return {
    records,
    wrote(id: string, session: SessionData, expiresAt: number) {
      records.set(id, { session: structuredClone(session), expiresAt });
    },
    touched(id: string, expiresAt: number) {
      const record = records.get(id);
      if (record) record.expiresAt = expiresAt;
    },
  };
}

/** Tracks who holds each lease of `inner`, for the bugs that act on a lease without its holder. */
function leaseHolders(inner: FullStore) {
  const holders = new Map<string, string>();
  return {
    async acquire(id: string, holder: string, expiresAt: number) {
      const took = await inner.acquireRefreshLease(id, holder, expiresAt);
      if (took) holders.set(id, holder);
      return took;
    },
    /** Ends the lease on `id` whoever holds it. */
    async end(id: string) {
      const holder = holders.get(id);
      if (holder !== undefined) await inner.releaseRefreshLease(id, holder);
    },
  };
}

/** A deep copy without the `null` elements of arrays, as a "compacting" serializer writes. */
const withoutNullElements = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.filter((x) => x !== null).map(withoutNullElements)
    : typeof value === "object" && value !== null
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNullElements(v)]))
      : value;

/** memoryStore() with every expiresAt given to set, update and touch changed by `change`. */
const changingExpiry = (change: (expiresAt: number) => number) =>
  wrapMemory((inner) => ({
    set: (id, session, { expiresAt }) => inner.set(id, session, { expiresAt: change(expiresAt) }),
    update: (id, session, { expiresAt }) =>
      inner.update(id, session, { expiresAt: change(expiresAt) }),
    touch: (id, { expiresAt }) => inner.touch(id, { expiresAt: change(expiresAt) }),
  }));

export const brokenStores: BrokenStore[] = [
  {
    key: "blank-name",
    bug: "gives a blank name, an empty label in every span and log line",
    group: "basics",
    caughtBy: "name, when the store gives one",
    createStore: wrapMemory(() => ({ name: " " })),
  },
  {
    key: "serves-expired",
    bug: "serves sessions past their expiresAt (trusts a lazy TTL sweeper)",
    group: "expiry",
    caughtBy: "is never served past expiresAt",
    createStore: wrapMemory((inner) => ({
      set: (id, session, { expiresAt }) =>
        inner.set(id, session, {
          expiresAt: expiresAt <= Date.now() ? expiresAt : expiresAt + 86_400_000,
        }),
    })),
  },
  {
    key: "ttl-rounded-down",
    bug: "rounds the TTL down to whole seconds, ending sessions early",
    group: "expiry",
    caughtBy: "the backend TTL is rounded up, not down",
    createStore: wrapMemory((inner) => ({
      set: (id, session, { expiresAt }) => {
        const now = Date.now();
        return inner.set(id, session, {
          expiresAt: now + Math.floor((expiresAt - now) / 1000) * 1000,
        });
      },
    })),
  },
  {
    key: "keeps-past-expiresAt",
    bug: "stores a session whose expiresAt is already past",
    group: "expiry",
    caughtBy: "set() with an expiresAt already past stores nothing",
    createStore: wrapMemory((inner) => ({
      set: (id, session, { expiresAt }) =>
        inner.set(id, session, { expiresAt: Math.max(expiresAt, Date.now() + 60_000) }),
    })),
  },
  {
    key: "update-writes-when-missing",
    bug: "update() writes (and answers true) when no session exists",
    group: "update",
    caughtBy: "answers false for a missing id and creates nothing",
    createStore: wrapMemory((inner) => ({
      update: async (id, session, options) => {
        await inner.set(id, session, options);
        return true;
      },
    })),
  },
  {
    key: "update-not-atomic",
    bug: "update() checks then writes in two steps, so a delete in between is undone",
    group: "update",
    caughtBy: "a delete() racing many update()s",
    createStore: wrapMemory((inner) => ({
      update: async (id, session, options) => {
        if (!(await inner.get(id))) return false;
        await tick(); // the round trip between the check and the write
        await inner.set(id, session, options);
        return true;
      },
    })),
  },
  {
    key: "delete-throws-when-missing",
    bug: "delete() throws for a missing id (like Prisma's P2025)",
    group: "basics",
    caughtBy: "delete() of a missing id resolves",
    createStore: wrapMemory((inner) => ({
      delete: async (id) => {
        if ((await inner.get(id)) === null) throw new Error("Record to delete does not exist.");
        await inner.delete(id);
      },
    })),
  },
  {
    key: "ignores-iss",
    bug: "deleteByLogoutToken() ignores iss, ending other issuers' sessions",
    group: "back-channel logout",
    caughtBy: "never ends a session of another issuer",
    createStore: wrapMemory((inner) => {
      const issuers = new Set<string>();
      return {
        set: (id, session, options) => {
          issuers.add(session.internal.iss);
          return inner.set(id, session, options);
        },
        deleteByLogoutToken: async (claims) => {
          let ended = await inner.deleteByLogoutToken(claims);
          for (const iss of issuers) {
            if (iss !== claims.iss) ended += await inner.deleteByLogoutToken({ ...claims, iss });
          }
          return ended;
        },
      };
    }),
  },
  {
    key: "ends-one-of-sub",
    bug: "a sub-only logout ends just one of the user's sessions",
    group: "back-channel logout",
    caughtBy: "with only a sub, ends every session",
    createStore: wrapMemory((inner) => {
      const index = ownIndex();
      return {
        set: (id, session, options) => {
          index.add(id, session);
          return inner.set(id, session, options);
        },
        deleteByLogoutToken: async (claims) => {
          if (claims.sid) return inner.deleteByLogoutToken(claims);
          for (const id of index.ids(claims)) {
            if (await inner.get(id)) {
              await inner.delete(id);
              return 1;
            }
          }
          return 0;
        },
      };
    }),
  },
  {
    key: "sid-sub-union",
    bug: "with both sid and sub, ends sessions matching either (a union)",
    group: "back-channel logout",
    caughtBy: "(not the union)",
    createStore: wrapMemory((inner) => ({
      deleteByLogoutToken: async ({ iss, sid, sub }) => {
        if (!sid || !sub) return inner.deleteByLogoutToken({ iss, sid, sub });
        return (
          (await inner.deleteByLogoutToken({ iss, sid })) +
          (await inner.deleteByLogoutToken({ iss, sub }))
        );
      },
    })),
  },
  {
    key: "wrong-count",
    bug: "deleteByLogoutToken() answers whether it ended any (1), not how many",
    group: "back-channel logout",
    caughtBy: "ends all of a user's many sessions",
    createStore: wrapMemory((inner) => ({
      deleteByLogoutToken: async (claims) => Math.min(1, await inner.deleteByLogoutToken(claims)),
    })),
  },
  {
    key: "stale-index",
    bug: "its sid/sub index outlives deleted and overwritten sessions",
    group: "back-channel logout",
    caughtBy: "the index goes with a deleted session",
    createStore: wrapMemory((inner) => {
      const index = ownIndex();
      return {
        set: (id, session, options) => {
          index.add(id, session);
          return inner.set(id, session, options);
        },
        update: async (id, session, options) => {
          const wrote = await inner.update(id, session, options);
          if (wrote) index.add(id, session);
          return wrote;
        },
        deleteByLogoutToken: async (claims) => {
          if (!claims.sid && !claims.sub) return inner.deleteByLogoutToken(claims);
          let ended = 0;
          for (const id of index.ids(claims)) {
            if (await inner.get(id)) ended++;
            await inner.delete(id);
          }
          return ended;
        },
      };
    }),
  },
  {
    key: "hands-out-stored-object",
    bug: "get() hands out the very object set() was given",
    group: "fidelity",
    caughtBy: "hands out copies",
    createStore: wrapMemory((inner) => {
      const objects = new Map<string, SessionData>();
      return {
        set: async (id, session, options) => {
          objects.set(id, session);
          await inner.set(id, session, options);
        },
        get: async (id) => ((await inner.get(id)) ? (objects.get(id) ?? null) : null),
      };
    }),
  },
  {
    key: "mangles-unicode",
    bug: "replaces characters outside the BMP (a 3-byte utf8 column)",
    group: "fidelity",
    caughtBy: "round-trips Unicode exactly",
    createStore: wrapMemory((inner) => ({
      set: (id, session, options) =>
        inner.set(
          id,
          JSON.parse(JSON.stringify(session).replace(/[\u{10000}-\u{10FFFF}]/gu, "\uFFFD")),
          options,
        ),
    })),
  },
  {
    key: "drops-large-sessions",
    bug: "silently drops sessions over 32 KiB",
    group: "fidelity",
    caughtBy: "round-trips a 64 KiB session",
    createStore: wrapMemory((inner) => ({
      set: async (id, session, options) => {
        if (JSON.stringify(session).length > 32 * 1024) return;
        await inner.set(id, session, options);
      },
    })),
  },
  {
    key: "shared-between-stores",
    bug: "every store shares one keyspace (ignores its prefix)",
    group: "isolation",
    caughtBy: "two stores never see",
    createStore: () => {
      sharedInner ??= memoryStore();
      return { ...sharedInner };
    },
  },
  {
    key: "loses-index-writes",
    bug: "keeps its sub index as a read-modify-write list, losing entries under load",
    group: "concurrency",
    caughtBy: "hundreds of parallel mixed operations",
    createStore: wrapMemory((inner) => {
      const lists = new Map<string, string>();
      const key = (iss: string, sub: string) => JSON.stringify([iss, sub]);
      return {
        set: async (id, session, options) => {
          await inner.set(id, session, options);
          const k = key(session.internal.iss, session.user.sub);
          const ids = JSON.parse(lists.get(k) ?? "[]") as string[];
          await tick(); // the round trip between reading the list and writing it back
          lists.set(k, JSON.stringify([...ids, id]));
        },
        deleteByLogoutToken: async (claims) => {
          if (claims.sid || !claims.sub) return inner.deleteByLogoutToken(claims);
          let ended = 0;
          for (const id of JSON.parse(lists.get(key(claims.iss, claims.sub)) ?? "[]")) {
            const session = await inner.get(id);
            if (session?.user.sub !== claims.sub) continue;
            await inner.delete(id);
            ended++;
          }
          return ended;
        },
      };
    }),
  },
  {
    key: "throws-on-corrupt",
    bug: "get() throws on a record it cannot parse",
    group: "corrupt data",
    caughtBy: "get() answers null for an unreadable record",
    ...onFlakyMap((inner, map, prefix) => ({
      get: async (id) => {
        const text = map.get(`${prefix}row:${id}`);
        if (text !== undefined) JSON.parse(text); // unguarded: a bad record throws
        return inner.get(id);
      },
    })),
  },
  {
    key: "hangs-during-outage",
    bug: "waits forever for a backend that is down",
    group: "faults",
    caughtBy: "fails fast",
    ...onFlakyMap((inner, map) => {
      const hangWhenDown =
        <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
        (...args: A): Promise<R> =>
          map.down ? new Promise<R>(() => {}) : call(...args);
      return {
        get: hangWhenDown(inner.get),
        set: hangWhenDown(inner.set),
        update: hangWhenDown(inner.update),
        delete: hangWhenDown(inner.delete),
        deleteByLogoutToken: hangWhenDown(inner.deleteByLogoutToken),
      };
    }),
  },
  {
    key: "untyped-outage-error",
    bug: "lets the client's own error through instead of a SessionStoreError",
    group: "faults",
    caughtBy: "fails fast",
    ...onFlakyMap((inner) => {
      const untyped =
        <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
        (...args: A): Promise<R> =>
          call(...args).catch((error: unknown) => {
            throw error instanceof SessionStoreError ? error.cause : error;
          });
      return {
        get: untyped(inner.get),
        set: untyped(inner.set),
        update: untyped(inner.update),
        delete: untyped(inner.delete),
        deleteByLogoutToken: untyped(inner.deleteByLogoutToken),
      };
    }),
  },
  {
    key: "outage-as-operation-failed",
    bug: "reports an unreachable backend as STORE_OPERATION_FAILED (a bug) instead of STORE_UNAVAILABLE",
    group: "faults",
    caughtBy: "fails fast",
    ...onFlakyMap((inner) => {
      const wrap =
        <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          try {
            return await call(...args);
          } catch (error) {
            const cause = error instanceof SessionStoreError ? error.cause : error;
            throw new SessionStoreError("STORE_OPERATION_FAILED", "the map failed", { cause });
          }
        };
      return {
        get: wrap(inner.get),
        set: wrap(inner.set),
        update: wrap(inner.update),
        touch: wrap(inner.touch),
        delete: wrap(inner.delete),
        deleteByLogoutToken: wrap(inner.deleteByLogoutToken),
        listSessions: wrap(inner.listSessions),
      };
    }),
  },
  // touch(): moves only the expiry, atomically, never back to life.
  {
    key: "touch-rewrites-data",
    bug: "touch() writes back the data it last saw from set(), undoing a concurrent update()",
    group: "touch",
    caughtBy: "a touch racing update(): the updated data always survives",
    createStore: wrapMemory((inner) => {
      const own = ownRecords();
      return {
        set: (id, session, options) => {
          own.wrote(id, session, options.expiresAt);
          return inner.set(id, session, options);
        },
        touch: async (id, { expiresAt }) => {
          const seen = own.records.get(id);
          if (!seen || expiresAt <= Date.now()) return inner.touch(id, { expiresAt });
          return inner.update(id, seen.session, { expiresAt });
        },
      };
    }),
  },
  {
    key: "touch-not-atomic",
    bug: "touch() reads the session then writes it back, so a delete or logout in between is undone",
    group: "touch",
    caughtBy: "a touch racing delete() never brings the session back",
    createStore: wrapMemory((inner) => ({
      touch: async (id, { expiresAt }) => {
        const session = await inner.get(id);
        if (!session) return false;
        await tick(); // the round trip between the read and the write
        await inner.set(id, session, { expiresAt });
        return expiresAt > Date.now();
      },
    })),
  },
  {
    key: "touch-ignores-past-expiresAt",
    bug: "touch() with a past expiresAt keeps the session alive (a minute more) and answers true",
    group: "touch",
    caughtBy: "a past expiresAt ends the session and answers false",
    createStore: wrapMemory((inner) => ({
      touch: (id, { expiresAt }) =>
        inner.touch(id, { expiresAt: Math.max(expiresAt, Date.now() + 60_000) }),
    })),
  },
  {
    key: "touch-ttl-rounded-down",
    bug: "touch() rounds the TTL down to whole seconds, ending sessions early",
    group: "touch",
    caughtBy: "the backend TTL is rounded up, not down",
    createStore: wrapMemory((inner) => ({
      touch: (id, { expiresAt }) => {
        const now = Date.now();
        return inner.touch(id, { expiresAt: now + Math.floor((expiresAt - now) / 1000) * 1000 });
      },
    })),
  },
  {
    key: "touch-true-when-missing",
    bug: "touch() answers true when there is no live session",
    group: "touch",
    caughtBy: "answers false for a missing id and creates nothing",
    createStore: wrapMemory((inner) => ({
      touch: async (id, options) => {
        await inner.touch(id, options);
        return true;
      },
    })),
  },
  {
    key: "get-judges-by-data-expiry",
    bug: "get() judges liveness by session.internal.expiresAt, so a touched session ends at its old expiry",
    group: "touch",
    caughtBy: "moves only the expiry",
    createStore: wrapMemory((inner) => ({
      get: async (id) => {
        const session = await inner.get(id);
        return session && session.internal.expiresAt > Date.now() ? session : null;
      },
    })),
  },
  {
    key: "touch-leaves-index",
    bug: "touch() moves the record's expiry but not its index entries', which lapse at the old one",
    group: "touch",
    caughtBy: "the index follows",
    createStore: wrapMemory((inner) => {
      const indexUntil = new Map<string, number>();
      return {
        set: (id, session, options) => {
          indexUntil.set(id, options.expiresAt);
          return inner.set(id, session, options);
        },
        update: async (id, session, options) => {
          const wrote = await inner.update(id, session, options);
          if (wrote) indexUntil.set(id, options.expiresAt);
          return wrote;
        },
        listSessions: async (owner) =>
          (await inner.listSessions(owner)).filter(
            (entry) => (indexUntil.get(entry.id) ?? 0) > Date.now(),
          ),
      };
    }),
  },

  // listSessions(): exactly the live sessions of one iss+sub.
  {
    key: "list-includes-expired",
    bug: "listSessions() lists records past their expiresAt that the backend still holds",
    group: "list sessions",
    caughtBy: "never lists an expired session",
    createStore: wrapMemory((inner) => {
      const own = ownRecords();
      return {
        set: (id, session, options) => {
          own.wrote(id, session, options.expiresAt);
          return inner.set(id, session, options);
        },
        touch: async (id, options) => {
          own.touched(id, options.expiresAt);
          return inner.touch(id, options);
        },
        delete: (id) => {
          own.records.delete(id);
          return inner.delete(id);
        },
        listSessions: async (owner) => {
          const expired = [...own.records]
            .filter(
              ([, { session, expiresAt }]) =>
                expiresAt <= Date.now() &&
                session.internal.iss === owner.iss &&
                session.user.sub === owner.sub,
            )
            .map(([id, { session, expiresAt }]) => ({ id, session, expiresAt }));
          return [...(await inner.listSessions(owner)), ...expired];
        },
      };
    }),
  },
  {
    key: "list-leaks-other-users",
    bug: "listSessions() lists every session at the issuer, whatever its sub",
    group: "list sessions",
    caughtBy: "lists exactly that user's sessions at that issuer",
    createStore: wrapMemory((inner) => {
      const subs = new Set<string>();
      return {
        set: (id, session, options) => {
          subs.add(session.user.sub);
          return inner.set(id, session, options);
        },
        listSessions: async ({ iss }) =>
          (await Promise.all([...subs].map((sub) => inner.listSessions({ iss, sub })))).flat(),
      };
    }),
  },
  {
    key: "list-leaks-other-issuers",
    bug: "listSessions() ignores iss, listing the user's sessions at every issuer",
    group: "list sessions",
    caughtBy: "lists exactly that user's sessions at that issuer",
    createStore: wrapMemory((inner) => {
      const issuers = new Set<string>();
      return {
        set: (id, session, options) => {
          issuers.add(session.internal.iss);
          return inner.set(id, session, options);
        },
        listSessions: async ({ sub }) =>
          (await Promise.all([...issuers].map((iss) => inner.listSessions({ iss, sub })))).flat(),
      };
    }),
  },
  {
    key: "list-joins-iss-and-sub",
    bug: 'listSessions() keys its index by iss + ":" + sub, so owners whose joined strings match collide',
    group: "list sessions",
    caughtBy: "keeps iss and sub apart",
    createStore: wrapMemory((inner) => {
      const owners = new Map<string, Set<string>>();
      const joined = (iss: string, sub: string) => `${iss}:${sub}`;
      return {
        set: (id, session, options) => {
          const key = joined(session.internal.iss, session.user.sub);
          owners.set(
            key,
            (owners.get(key) ?? new Set()).add(
              JSON.stringify([session.internal.iss, session.user.sub]),
            ),
          );
          return inner.set(id, session, options);
        },
        listSessions: async ({ iss, sub }) => {
          const same = [...(owners.get(joined(iss, sub)) ?? [])].map(
            (owner) => JSON.parse(owner) as [string, string],
          );
          if (same.length === 0) return inner.listSessions({ iss, sub });
          return (
            await Promise.all(same.map(([i, s]) => inner.listSessions({ iss: i, sub: s })))
          ).flat();
        },
      };
    }),
  },
  {
    key: "list-expiry-from-data",
    bug: "listSessions() answers session.internal.expiresAt, not the record's expiry (stale after touch)",
    group: "list sessions",
    caughtBy: "answers the expiresAt last given",
    createStore: wrapMemory((inner) => ({
      listSessions: async (owner) =>
        (await inner.listSessions(owner)).map((entry) => ({
          ...entry,
          expiresAt: entry.session.internal.expiresAt,
        })),
    })),
  },
  {
    key: "list-first-page-only",
    bug: "listSessions() answers the first page (25) of a paginated query and stops",
    group: "list sessions",
    caughtBy: "lists 0, 1, 26 and 100 sessions",
    createStore: wrapMemory((inner) => ({
      listSessions: async (owner) => (await inner.listSessions(owner)).slice(0, 25),
    })),
  },
  {
    key: "list-only-sessions-with-sid",
    bug: "listSessions() reads the sid index, missing sessions without a sid",
    group: "list sessions",
    caughtBy: "lists exactly that user's sessions at that issuer",
    createStore: wrapMemory((inner) => ({
      listSessions: async (owner) =>
        (await inner.listSessions(owner)).filter((entry) => entry.session.internal.sid),
    })),
  },
  {
    key: "list-stale-index",
    bug: "listSessions() trusts a sub index that never forgets, listing sessions that changed owner",
    group: "list sessions",
    caughtBy: "follows an owner change",
    createStore: wrapMemory((inner) => {
      const index = ownIndex();
      const own = ownRecords();
      return {
        set: (id, session, options) => {
          index.add(id, session);
          own.wrote(id, session, options.expiresAt);
          return inner.set(id, session, options);
        },
        update: async (id, session, options) => {
          const wrote = await inner.update(id, session, options);
          if (wrote) {
            index.add(id, session);
            own.wrote(id, session, options.expiresAt);
          }
          return wrote;
        },
        touch: async (id, options) => {
          own.touched(id, options.expiresAt);
          return inner.touch(id, options);
        },
        listSessions: async ({ iss, sub }) => {
          const listed = [];
          for (const id of index.ids({ iss, sub })) {
            const session = await inner.get(id);
            const record = own.records.get(id);
            if (session && record) listed.push({ id, session, expiresAt: record.expiresAt });
          }
          return listed;
        },
      };
    }),
  },
  {
    key: "list-hands-out-stored-objects",
    bug: "listSessions() parses each stored JSON once and hands out that one object on every call",
    group: "list sessions",
    caughtBy: "hands out copies",
    createStore: wrapMemory((inner) => {
      const parsed = new Map<string, SessionData>();
      return {
        listSessions: async (owner) =>
          (await inner.listSessions(owner)).map((entry) => {
            const json = JSON.stringify(entry.session);
            const session = parsed.get(json) ?? entry.session;
            parsed.set(json, session);
            return { ...entry, session };
          }),
      };
    }),
  },

  // Optional: logout-token replay memory.
  {
    key: "replay-claim-not-atomic",
    bug: "claimLogoutToken() reads then writes in two steps, so parallel claims all win",
    group: "logout-token replay",
    caughtBy: "parallel claims of one jti: exactly one wins",
    createStore: wrapMemory(() => {
      const claimed = new Map<string, number>();
      return {
        claimLogoutToken: async (jti, expiresAt) => {
          const until = claimed.get(jti);
          await tick(); // the round trip between the read and the write
          if (until !== undefined && until > Date.now()) return false;
          claimed.set(jti, expiresAt);
          return true;
        },
        releaseLogoutToken: async (jti) => void claimed.delete(jti),
      };
    }),
  },
  {
    key: "replay-accepted",
    bug: "claimLogoutToken() answers true for a replay",
    group: "logout-token replay",
    caughtBy: "the first claim of a jti answers true, a replay false",
    createStore: wrapMemory((inner) => ({
      claimLogoutToken: async (jti, expiresAt) => {
        await inner.claimLogoutToken(jti, expiresAt);
        return true;
      },
    })),
  },
  {
    key: "replay-claim-never-expires",
    bug: "claimLogoutToken() keeps a claim a day past its expiresAt",
    group: "logout-token replay",
    caughtBy: "a claim lasts until its expiresAt",
    createStore: wrapMemory((inner) => ({
      claimLogoutToken: (jti, expiresAt) => inner.claimLogoutToken(jti, expiresAt + 86_400_000),
    })),
  },
  {
    key: "replay-release-does-nothing",
    bug: "releaseLogoutToken() forgets nothing, so the provider's retry is refused",
    group: "logout-token replay",
    caughtBy: "releaseLogoutToken() makes the jti claimable again",
    createStore: wrapMemory(() => ({ releaseLogoutToken: async () => {} })),
  },
  {
    key: "replay-shared-between-stores",
    bug: "every store shares one set of claimed jtis (ignores its prefix)",
    group: "logout-token replay",
    caughtBy: "two stores keep their own claims",
    createStore: wrapMemory(() => {
      sharedClaims ??= memoryStore();
      const shared = sharedClaims;
      return {
        claimLogoutToken: (jti, expiresAt) => shared.claimLogoutToken(jti, expiresAt),
        releaseLogoutToken: (jti) => shared.releaseLogoutToken(jti),
      };
    }),
  },
  {
    key: "replay-without-release",
    bug: "has claimLogoutToken() but no releaseLogoutToken() (written against the previous contract)",
    group: "logout-token replay",
    caughtBy: "LogoutTokenReplayStore: all of",
    createStore: wrapMemory(() => ({ releaseLogoutToken: undefined })),
  },

  // Optional: refresh leases.
  {
    key: "lease-not-atomic",
    bug: "acquireRefreshLease() reads then writes in two steps, so parallel acquires all win",
    group: "refresh lease",
    caughtBy: "parallel acquires by many holders: exactly one wins",
    createStore: wrapMemory(() => {
      const leases = new Map<string, { holder: string; expiresAt: number }>();
      return {
        acquireRefreshLease: async (id, holder, expiresAt) => {
          const lease = leases.get(id);
          await tick(); // the round trip between the read and the write
          if (expiresAt <= Date.now()) return false;
          if (lease && lease.holder !== holder && lease.expiresAt > Date.now()) return false;
          leases.set(id, { holder, expiresAt });
          return true;
        },
        releaseRefreshLease: async (id, holder) => {
          if (leases.get(id)?.holder === holder) leases.delete(id);
        },
      };
    }),
  },
  {
    key: "lease-never-expires",
    bug: "acquireRefreshLease() keeps a lease a day past its expiresAt",
    group: "refresh lease",
    caughtBy: "a lease ends at its expiresAt",
    createStore: wrapMemory((inner) => ({
      acquireRefreshLease: (id, holder, expiresAt) =>
        inner.acquireRefreshLease(id, holder, expiresAt + 86_400_000),
    })),
  },
  {
    key: "lease-not-extended",
    bug: "acquireRefreshLease() by the same holder answers true but keeps the old expiresAt",
    group: "refresh lease",
    caughtBy: "acquiring again as the same holder extends",
    createStore: wrapMemory((inner) => {
      const until = new Map<string, number>();
      return {
        acquireRefreshLease: async (id, holder, expiresAt) => {
          const key = JSON.stringify([id, holder]);
          const held = until.get(key);
          const kept = held !== undefined && held > Date.now() ? held : expiresAt;
          const took = await inner.acquireRefreshLease(id, holder, Math.min(kept, expiresAt));
          if (took) until.set(key, Math.min(kept, expiresAt));
          return took;
        },
      };
    }),
  },
  {
    key: "lease-holder-refused",
    bug: "acquireRefreshLease() refuses the holder its own live lease",
    group: "refresh lease",
    caughtBy: "the holder may acquire again",
    createStore: wrapMemory((inner) => {
      const taken = new Set<string>();
      return {
        acquireRefreshLease: async (id, holder, expiresAt) => {
          const key = JSON.stringify([id, holder]);
          if (taken.has(key)) return false;
          const took = await inner.acquireRefreshLease(id, holder, expiresAt);
          if (took) taken.add(key);
          return took;
        },
      };
    }),
  },
  {
    key: "lease-released-by-anyone",
    bug: "releaseRefreshLease() ends the lease whoever asks, not only its holder",
    group: "refresh lease",
    caughtBy: "only the holder's release frees the lease",
    createStore: wrapMemory((inner) => {
      const holders = leaseHolders(inner);
      return {
        acquireRefreshLease: holders.acquire,
        releaseRefreshLease: (id) => holders.end(id),
      };
    }),
  },
  {
    key: "lease-past-granted",
    bug: "acquireRefreshLease() with a past expiresAt answers true",
    group: "refresh lease",
    caughtBy: "a past expiresAt answers false and takes nothing",
    createStore: wrapMemory((inner) => ({
      acquireRefreshLease: async (id, holder, expiresAt) =>
        expiresAt <= Date.now() ? true : inner.acquireRefreshLease(id, holder, expiresAt),
    })),
  },
  {
    key: "lease-ends-with-session",
    bug: "delete() and logout also end the session's refresh lease",
    group: "refresh lease",
    caughtBy: "leases are independent of session records",
    createStore: wrapMemory((inner) => {
      const holders = leaseHolders(inner);
      const index = ownIndex();
      return {
        set: (id, session, options) => {
          index.add(id, session);
          return inner.set(id, session, options);
        },
        acquireRefreshLease: holders.acquire,
        delete: async (id) => {
          await holders.end(id);
          await inner.delete(id);
        },
        deleteByLogoutToken: async (claims) => {
          if (claims.sid || claims.sub) await Promise.all(index.ids(claims).map(holders.end));
          return inner.deleteByLogoutToken(claims);
        },
      };
    }),
  },
  {
    key: "lease-shared-between-stores",
    bug: "every store shares one set of leases (ignores its prefix)",
    group: "refresh lease",
    caughtBy: "two stores keep their own leases",
    createStore: wrapMemory(() => {
      sharedLeases ??= memoryStore();
      const shared = sharedLeases;
      return {
        acquireRefreshLease: (id, holder, expiresAt) =>
          shared.acquireRefreshLease(id, holder, expiresAt),
        releaseRefreshLease: (id, holder) => shared.releaseRefreshLease(id, holder),
      };
    }),
  },
  {
    key: "end-inclusive",
    bug: "still serves a session at exactly its expiresAt (compares with <= where < belongs)",
    group: "expiry",
    caughtBy: "at exactly its expiresAt a session is over",
    createStore: changingExpiry((expiresAt) => expiresAt + 1),
  },
  {
    key: "expiry-floored-to-seconds",
    bug: "keeps expiresAt in whole seconds, rounded down (a seconds column), ending sessions early",
    group: "expiry",
    caughtBy: "a session ending at .950 lives until then",
    createStore: changingExpiry((expiresAt) => Math.floor(expiresAt / 1_000) * 1_000),
  },
  {
    key: "expiry-ceiled-to-seconds",
    bug: "keeps expiresAt in whole seconds, rounded up, serving sessions up to a second late",
    group: "expiry",
    caughtBy: "a session ending at .050 ends then",
    createStore: changingExpiry((expiresAt) => Math.ceil(expiresAt / 1_000) * 1_000),
  },
  {
    key: "ttl-capped-at-30-days",
    bug: "caps every lifetime at 30 days (as memcached reads a longer TTL as a date)",
    group: "expiry",
    caughtBy: "far-future expiresAt",
    createStore: changingExpiry((expiresAt) => Math.min(expiresAt, Date.now() + 30 * 86_400_000)),
  },
  {
    key: "normalizes-unicode-ids",
    bug: "normalizes ids to NFC, so an NFD id and its NFC twin share a session",
    group: "basics",
    caughtBy: "compares ids exactly",
    createStore: wrapMemory((inner) => {
      const nfc = (id: string) => id.normalize("NFC");
      return {
        get: (id) => inner.get(nfc(id)),
        set: (id, session, options) => inner.set(nfc(id), session, options),
        update: (id, session, options) => inner.update(nfc(id), session, options),
        touch: (id, options) => inner.touch(nfc(id), options),
        delete: (id) => inner.delete(nfc(id)),
      };
    }),
  },
  {
    key: "ignores-trailing-spaces-in-owners",
    bug: "compares sid and sub ignoring trailing spaces (a PAD SPACE collation, as MySQL's utf8mb4_bin)",
    group: "back-channel logout",
    caughtBy: "compares sid and sub exactly",
    createStore: wrapMemory((inner) => {
      // The index sees the padded-away values; the data keeps what was written.
      type Padded = SessionData & { original?: SessionData };
      const padded = (session: SessionData): Padded => ({
        ...session,
        user: { ...session.user, sub: session.user.sub.trimEnd() },
        internal: { ...session.internal, sid: session.internal.sid?.trimEnd() },
        original: session,
      });
      const trim = (claims: LogoutTokenClaims): LogoutTokenClaims => ({
        iss: claims.iss,
        ...(claims.sid ? { sid: claims.sid.trimEnd() } : {}),
        ...(claims.sub ? { sub: claims.sub.trimEnd() } : {}),
      });
      return {
        get: async (id) => ((await inner.get(id)) as Padded | null)?.original ?? null,
        set: (id, session, options) => inner.set(id, padded(session), options),
        update: (id, session, options) => inner.update(id, padded(session), options),
        deleteByLogoutToken: (claims) => inner.deleteByLogoutToken(trim(claims)),
      };
    }),
  },
  {
    key: "logout-ends-25-at-most",
    bug: "a logout ends one batch of 25 sessions and stops (DynamoDB's BatchWriteItem limit)",
    group: "back-channel logout",
    caughtBy: "counts 0, 1, 25, 26 and 101 sessions",
    createStore: wrapMemory((inner) => {
      const index = ownIndex();
      return {
        set: async (id, session, options) => {
          index.add(id, session);
          await inner.set(id, session, options);
        },
        update: async (id, session, options) => {
          const wrote = await inner.update(id, session, options);
          if (wrote) index.add(id, session);
          return wrote;
        },
        deleteByLogoutToken: async (claims) => {
          const live: string[] = [];
          for (const id of index.ids(claims)) {
            const session = await inner.get(id);
            if (!session || session.internal.iss !== claims.iss) continue;
            if (claims.sid && session.internal.sid !== claims.sid) continue;
            if (claims.sub && session.user.sub !== claims.sub) continue;
            live.push(id);
          }
          const batch = live.slice(0, 25);
          for (const id of batch) await inner.delete(id);
          return batch.length;
        },
      };
    }),
  },
  {
    key: "drops-null-array-elements",
    bug: "drops the null elements of arrays (a compacting serializer)",
    group: "fidelity",
    caughtBy: "every JSON value in every position",
    createStore: wrapMemory((inner) => ({
      set: (id, session, options) =>
        inner.set(id, withoutNullElements(session) as SessionData, options),
      update: (id, session, options) =>
        inner.update(id, withoutNullElements(session) as SessionData, options),
    })),
  },
  {
    key: "lease-without-release",
    bug: "has acquireRefreshLease() but no releaseRefreshLease()",
    group: "refresh lease",
    caughtBy: "RefreshLeaseStore: all of",
    createStore: wrapMemory(() => ({ releaseRefreshLease: undefined })),
  },
];
