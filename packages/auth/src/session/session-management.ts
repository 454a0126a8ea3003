import { AuthError, storeUnavailable } from "../errors.js";
import { SessionStoreError } from "../store/session-store-error.js";
import type { SessionData, SessionStore, StoredSession } from "../store/types.js";
import type { CookieJar, CookieWrite } from "./session-cookies.js";
import type { SessionCore, ValidSessionRead } from "./session-core.js";

/** One of the signed-in user's sessions, as `auth.listSessions` shows it. Never holds a token. */
export interface SessionInfo {
  /** The session's public id: pass it to `revokeSession`. It cannot be turned into a session cookie. */
  id: string;
  /** Whether this is the session of the request that asked. */
  current: boolean;
  /** When the session began (sign-in), in epoch milliseconds. */
  createdAt: number;
  /** When the session ends unless used again, in epoch milliseconds. */
  expiresAt: number;
  /**
   * When it was last used as far as the store knows, in epoch milliseconds: rolling sessions move
   * their expiry at most every `updateAge` seconds, so this is that precise. `undefined` without
   * `rolling`.
   */
  lastActiveAt: number | undefined;
  /** The provider's session id (`sid`), when it sent one. */
  sid?: string;
  /** The app's own top-level session fields (what `beforeSessionSaved` added, e.g. a device label). */
  fields: Record<string, unknown>;
}

/** A result and the cookie writes the response needs. */
export interface Managed<T> {
  result: T;
  writes: CookieWrite[];
}

/** Sessions of one user: listing and revoking, read from the store's `iss`+`sub` index. */
export interface SessionManagement {
  list(jar: CookieJar): Promise<SessionInfo[]>;
  revoke(jar: CookieJar, id: string): Promise<Managed<void>>;
  revokeOthers(jar: CookieJar): Promise<number>;
  revokeUser(owner: { iss: string; sub: string }): Promise<number>;
}

const CORE_FIELDS = new Set(["user", "tokenSet", "internal"]);

const asStoreError = (error: unknown) =>
  error instanceof SessionStoreError
    ? error
    : new SessionStoreError("STORE_OPERATION_FAILED", "the session store threw", { cause: error });

/** Runs a store call; a failure is `AUTH_STORE_UNAVAILABLE` with the store's error as cause. */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storeUnavailable(asStoreError(error));
  }
}

export function createSessionManagement(core: SessionCore): SessionManagement {
  const { config } = core;
  const rules = config.session;

  function requireStore(): SessionStore {
    if (!core.store) {
      throw new AuthError(
        "AUTH_STORE_REQUIRED",
        "session management needs a sessionStore: stateless cookie sessions are not listed anywhere",
      );
    }
    return core.store;
  }

  async function currentSession(jar: CookieJar): Promise<ValidSessionRead> {
    requireStore();
    const read = await core.read(jar);
    if (read.kind === "unavailable") throw storeUnavailable(read.error);
    if (read.kind !== "valid" || !read.storeId) {
      throw new AuthError("AUTH_SESSION_MISSING", "the request has no store-backed session");
    }
    return read;
  }

  const ownerOf = (session: SessionData) => ({ iss: session.internal.iss, sub: session.user.sub });

  async function entries(read: ValidSessionRead): Promise<StoredSession[]> {
    const store = requireStore();
    return call(() => store.listSessions(ownerOf(read.session)));
  }

  async function info(entry: StoredSession, currentId: string): Promise<SessionInfo> {
    const { session, expiresAt } = entry;
    const { createdAt, sid } = session.internal;
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(session)) {
      if (!CORE_FIELDS.has(key)) fields[key] = value;
    }
    return {
      id: await core.publicId(entry.id),
      current: entry.id === currentId,
      createdAt,
      expiresAt,
      lastActiveAt: rules.rolling
        ? Math.max(createdAt, Math.min(Date.now(), expiresAt - rules.inactivityDuration * 1000))
        : undefined,
      ...(sid === undefined ? {} : { sid }),
      fields,
    };
  }

  function checkId(id: unknown): asserts id is string {
    if (typeof id !== "string" || id === "" || id.length > 256) {
      throw new AuthError(
        "AUTH_INVALID_ARGUMENT",
        "revokeSession takes a session id from listSessions",
      );
    }
  }

  return {
    async list(jar) {
      const read = await currentSession(jar);
      const list = await entries(read);
      const infos = await Promise.all(list.map((entry) => info(entry, read.storeId!)));
      return infos.sort((a, b) => b.createdAt - a.createdAt);
    },

    async revoke(jar, id) {
      checkId(id);
      const read = await currentSession(jar);
      const list = await entries(read);
      let target: StoredSession | undefined;
      for (const entry of list) {
        if ((await core.publicId(entry.id)) === id) target = entry;
      }
      if (!target) {
        throw new AuthError(
          "AUTH_SESSION_NOT_FOUND",
          "revokeSession: no live session of the signed-in user has that id",
        );
      }
      if (target.id === read.storeId) {
        return { result: undefined, writes: await core.destroy(jar, read, "revoked") };
      }
      const store = requireStore();
      await call(() => store.delete(target.id));
      core.emit({
        type: "ended",
        reason: "revoked",
        count: 1,
        storeId: target.id,
        ...ownerOf(target.session),
      });
      return { result: undefined, writes: [] };
    },

    async revokeOthers(jar) {
      const read = await currentSession(jar);
      const store = requireStore();
      const others = (await entries(read)).filter((entry) => entry.id !== read.storeId);
      await call(() => Promise.all(others.map((entry) => store.delete(entry.id))));
      for (const entry of others) {
        core.emit({
          type: "ended",
          reason: "revoked",
          count: 1,
          storeId: entry.id,
          ...ownerOf(entry.session),
        });
      }
      return others.length;
    },

    async revokeUser(owner) {
      const store = requireStore();
      const count = await call(() => store.deleteByLogoutToken(owner));
      core.emit({ type: "ended", reason: "revoked", count, ...owner });
      return count;
    },
  };
}
