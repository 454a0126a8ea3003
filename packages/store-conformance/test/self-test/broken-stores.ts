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
export type GroupName =
  | "basics"
  | "expiry"
  | "update"
  | "back-channel logout"
  | "fidelity"
  | "isolation"
  | "concurrency"
  | "corrupt data"
  | "faults";

/** A store with exactly one bug, and the group that must catch it. */
export interface BrokenStore {
  key: string;
  bug: string;
  group: GroupName;
  createStore(): SessionStore;
  corrupt?(store: SessionStore, id: string): Promise<void>;
  outage?: { stop(): Promise<void>; start(): Promise<void> };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** memoryStore() with some methods replaced; `inner` is the real one underneath. */
const wrapMemory =
  (override: (inner: SessionStore) => Partial<SessionStore>) => (): SessionStore => {
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

export const brokenStores: BrokenStore[] = [
  {
    key: "serves-expired",
    bug: "serves sessions past their expiresAt (trusts a lazy TTL sweeper)",
    group: "expiry",
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
    createStore: wrapMemory((inner) => ({
      set: (id, session, { expiresAt }) =>
        inner.set(id, session, { expiresAt: Math.max(expiresAt, Date.now() + 60_000) }),
    })),
  },
  {
    key: "update-writes-when-missing",
    bug: "update() writes (and answers true) when no session exists",
    group: "update",
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
    createStore: wrapMemory((inner) => ({
      deleteByLogoutToken: async (claims) => Math.min(1, await inner.deleteByLogoutToken(claims)),
    })),
  },
  {
    key: "stale-index",
    bug: "its sid/sub index outlives deleted and overwritten sessions",
    group: "back-channel logout",
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
    createStore: () => {
      sharedInner ??= memoryStore();
      return { ...sharedInner };
    },
  },
  {
    key: "loses-index-writes",
    bug: "keeps its sub index as a read-modify-write list, losing entries under load",
    group: "concurrency",
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
];
