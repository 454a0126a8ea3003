import type { LogoutToken, SessionData, SessionDataStore } from "@auth0/nextjs-auth0/types";
import type { Redis } from "ioredis";

// nextjs-auth0 ships no store driver: its EXAMPLES.md ("Database sessions") asks the app for an
// object with get, set (an upsert), delete and, for back-channel logout, deleteByLogoutToken.
// This is that object for Redis, written the plain way: the session as JSON under its id, and a
// set of ids per `sid` and per `sub` so deleteByLogoutToken reads an index instead of scanning.
// Its expiry follows nextjs-auth0's defaults: 1 day of inactivity, 3 days at most.
const INACTIVITY_SECONDS = 86_400;
const ABSOLUTE_SECONDS = 3 * 86_400;

export function nextjsAuth0RedisStore(client: Redis, prefix: string): SessionDataStore {
  const sessionKey = (id: string) => `${prefix}session:${id}`;
  const sidKey = (sid: string) => `${prefix}sid:${sid}`;
  const subKey = (sub: string) => `${prefix}sub:${sub}`;

  return {
    async get(id) {
      const json = await client.get(sessionKey(id));
      return json === null ? null : (JSON.parse(json) as SessionData);
    },
    async set(id, session) {
      const now = Math.floor(Date.now() / 1000);
      const expiresAt = Math.min(
        now + INACTIVITY_SECONDS,
        session.internal.createdAt + ABSOLUTE_SECONDS,
      );
      // One round trip: the record and both index entries, each expiring with the session.
      await client
        .multi()
        .set(sessionKey(id), JSON.stringify(session), "EXAT", expiresAt)
        .sadd(sidKey(session.internal.sid), id)
        .expireat(sidKey(session.internal.sid), expiresAt)
        .sadd(subKey(session.user.sub), id)
        .expireat(subKey(session.user.sub), expiresAt)
        .exec();
    },
    async delete(id) {
      await client.del(sessionKey(id));
    },
    async deleteByLogoutToken({ sid, sub }: LogoutToken) {
      const ids = sid
        ? await client.smembers(sidKey(sid))
        : sub
          ? await client.smembers(subKey(sub))
          : [];
      if (ids.length > 0) await client.del(...ids.map(sessionKey));
    },
  };
}
