import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
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
  type SessionStore,
  SessionStoreError,
  type StoredSession,
} from "@sessionkit/auth/store";
import { deleteItems } from "./delete-items.js";
import { getItems } from "./get-items.js";
import { queryIndex } from "./query-index.js";
import { sessionItem, ttlSeconds } from "./session-item.js";
import { type DynamoDbStoreOptions, resolveStoreOptions } from "./store-options.js";
import {
  EXPIRES_AT_ATTRIBUTE,
  HOLDER_ATTRIBUTE,
  indexKey,
  LOGOUT_TOKEN_PREFIX,
  MAX_KEY_BYTES,
  REFRESH_LEASE_PREFIX,
  SESSION_ATTRIBUTE,
  SID_KEY_ATTRIBUTE,
  SUB_KEY_ATTRIBUTE,
} from "./table-layout.js";
import { attempt, isConditionFailed, toStoreError } from "./to-store-error.js";
import { utf8Length } from "./utf8-length.js";

/** What {@link dynamoDbStore} returns: the store contract plus both optional extensions. */
export type DynamoDbSessionStore = SessionStore & LogoutTokenReplayStore & RefreshLeaseStore;

/**
 * How far behind the table `listSessions` lets the sub index's copy of `expiresAt` be: an entry
 * that expired less than this long ago by the index may have been touched since, so the table
 * (read consistently) decides. Index lag is normally well under a second.
 */
const INDEX_LAG_MS = 60_000;

const invalid = (message: string) => new SessionStoreError("STORE_INVALID_ARGUMENT", message);

/** A session id the store can keep: non-empty and outside the claim and lease key space. */
function assertStoreId(id: string): void {
  assertSessionId(id);
  if (id.startsWith(LOGOUT_TOKEN_PREFIX) || id.startsWith(REFRESH_LEASE_PREFIX)) {
    throw invalid(
      `a session id must not start with ${LOGOUT_TOKEN_PREFIX} or ${REFRESH_LEASE_PREFIX} (the store's own items)`,
    );
  }
}

const assertNonEmpty = (value: unknown, what: string) => {
  if (typeof value !== "string" || value === "")
    throw invalid(`${what} must be a non-empty string`);
};

/** SHA-256 in hex: claim and lease keys stay within DynamoDB's key size whatever they name. */
async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * A `SessionStore` on DynamoDB, using the app's own `DynamoDBClient`, with the
 * optional logout-token replay memory and refresh leases kept in the same table.
 *
 * `get`, `set`, `update`, `touch` and `delete` each send exactly one request:
 * reads are strongly consistent and ignore items past `expiresAt` that DynamoDB's
 * TTL sweeper has not removed yet; `update` and `touch` are conditional writes
 * that cannot revive a session ended meanwhile. `deleteByLogoutToken` queries the
 * `sid` or `sub` index (every page) and deletes the matches in batches of 25;
 * `listSessions` queries the `sub` index and reads the sessions it names with a
 * strongly consistent BatchGetItem.
 */
export function dynamoDbStore(
  client: DynamoDBClient,
  options: DynamoDbStoreOptions,
): DynamoDbSessionStore {
  if (typeof (client as { send?: unknown } | null)?.send !== "function") {
    throw invalid("dynamoDbStore needs a DynamoDBClient from @aws-sdk/client-dynamodb");
  }
  const { layout, batch } = resolveStoreOptions(options);
  const { tableName, partitionKey, ttlAttribute } = layout;
  const key = (id: string) => ({ [partitionKey]: { S: id } });
  const expiry = (expiresAt: number) => ({
    [EXPIRES_AT_ATTRIBUTE]: { N: String(expiresAt) },
    [ttlAttribute]: { N: ttlSeconds(expiresAt) },
  });
  const names = { "#id": partitionKey, "#expiresAt": EXPIRES_AT_ATTRIBUTE };
  const nowValue = () => ({ ":now": { N: String(Date.now()) } });
  // A live item: one that exists and whose exact expiry has not passed.
  const LIVE = "attribute_exists(#id) AND #expiresAt > :now";

  const deleteItem = async (id: string) => {
    await attempt("DeleteItem", () =>
      client.send(new DeleteItemCommand({ TableName: tableName, Key: key(id) })),
    );
  };

  /** Runs a conditional write: `false` when its condition did not hold. */
  const conditional = async (operation: string, run: () => Promise<unknown>) => {
    try {
      await run();
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw toStoreError(error, operation);
    }
  };

  return {
    name: "dynamodb",

    async get(id: string): Promise<SessionData | null> {
      assertStoreId(id);
      const { Item: item } = await attempt("GetItem", () =>
        client.send(
          new GetItemCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }),
        ),
      );
      if (item === undefined) return null;
      // The item's own expiry decides (a touch moves it, not the data's internal.expiresAt);
      // DynamoDB deletes expired items up to two days late.
      const expiresAt = Number(item[EXPIRES_AT_ATTRIBUTE]?.N);
      if (Number.isFinite(expiresAt) && expiresAt <= Date.now()) return null;
      const session = Number.isFinite(expiresAt)
        ? parseStoredSession(item[SESSION_ATTRIBUTE]?.S)
        : null;
      if (session === null) {
        // Unreadable: remove it, but a failed clean-up must not turn bad data into an error.
        await deleteItem(id).catch(() => undefined);
      }
      return session;
    },

    async set(id, session, { expiresAt }) {
      assertStoreId(id);
      assertExpiresAt(expiresAt);
      // Built first so a non-session is refused even by a write that only deletes.
      const item = sessionItem(layout, id, session, expiresAt);
      if (expiresAt <= Date.now()) return deleteItem(id);
      await attempt("PutItem", () =>
        client.send(new PutItemCommand({ TableName: tableName, Item: item })),
      );
    },

    async update(id, session, { expiresAt }) {
      assertStoreId(id);
      assertExpiresAt(expiresAt);
      const item = sessionItem(layout, id, session, expiresAt);
      const condition = {
        TableName: tableName,
        ConditionExpression: LIVE,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: nowValue(),
      };
      // Ending a live session through update still only touches a live one.
      if (expiresAt <= Date.now()) {
        return conditional("DeleteItem", () =>
          client.send(new DeleteItemCommand({ ...condition, Key: key(id) })),
        );
      }
      return conditional("PutItem", () =>
        client.send(new PutItemCommand({ ...condition, Item: item })),
      );
    },

    async touch(id, { expiresAt }) {
      assertStoreId(id);
      assertExpiresAt(expiresAt);
      if (expiresAt <= Date.now()) {
        await deleteItem(id);
        return false;
      }
      // Only the two expiry attributes; the sid and sub indexes project `expiresAt` and follow
      // on their own. The condition keeps UpdateItem from creating an item that is not there.
      return conditional("UpdateItem", () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: "SET #expiresAt = :expiresAt, #ttl = :ttl",
            ConditionExpression: LIVE,
            ExpressionAttributeNames: { ...names, "#ttl": ttlAttribute },
            ExpressionAttributeValues: {
              ...nowValue(),
              ":expiresAt": { N: String(expiresAt) },
              ":ttl": { N: ttlSeconds(expiresAt) },
            },
          }),
        ),
      );
    },

    async delete(id) {
      assertStoreId(id);
      await deleteItem(id);
    },

    async deleteByLogoutToken(claims: LogoutTokenClaims): Promise<number> {
      assertLogoutTokenClaims(claims);
      const { iss, sid, sub } = claims;
      const lookup = sid
        ? {
            indexName: layout.sidIndexName,
            keyAttribute: SID_KEY_ATTRIBUTE,
            key: indexKey(iss, sid),
          }
        : {
            indexName: layout.subIndexName,
            keyAttribute: SUB_KEY_ATTRIBUTE,
            key: indexKey(iss, sub!),
          };
      // No stored session can have a key DynamoDB would refuse to index.
      if (utf8Length(lookup.key) > MAX_KEY_BYTES) return 0;
      const matches = await queryIndex(client, {
        tableName,
        partitionKey,
        ...lookup,
        subKey: sid && sub ? indexKey(iss, sub) : undefined,
      });
      if (matches.length === 0) return 0;
      const now = Date.now();
      const ids = [...new Set(matches.map((match) => match.id))];
      const live = new Set(matches.filter((match) => match.expiresAt > now).map((m) => m.id));
      await deleteItems(client, ids, { tableName, partitionKey, ...batch });
      return live.size;
    },

    async listSessions(owner): Promise<StoredSession[]> {
      assertSessionOwner(owner);
      const subKey = indexKey(owner.iss, owner.sub);
      if (utf8Length(subKey) > MAX_KEY_BYTES) return [];
      const indexed = await queryIndex(client, {
        tableName,
        partitionKey,
        indexName: layout.subIndexName,
        keyAttribute: SUB_KEY_ATTRIBUTE,
        key: subKey,
        expiringAfter: Date.now() - INDEX_LAG_MS,
      });
      if (indexed.length === 0) return [];
      // The index is eventually consistent and holds no data: the table, read consistently,
      // has the final word on what is still there, whose it is, and until when.
      const items = await getItems(
        client,
        indexed.map((entry) => entry.id),
        {
          tableName,
          partitionKey,
          attributes: [SESSION_ATTRIBUTE, EXPIRES_AT_ATTRIBUTE, SUB_KEY_ATTRIBUTE],
          ...batch,
        },
      );
      const now = Date.now();
      const sessions: StoredSession[] = [];
      for (const item of items) {
        const id = item[partitionKey]?.S;
        const expiresAt = Number(item[EXPIRES_AT_ATTRIBUTE]?.N);
        if (id === undefined || item[SUB_KEY_ATTRIBUTE]?.S !== subKey) continue;
        if (!Number.isFinite(expiresAt) || expiresAt <= now) continue;
        const session = parseStoredSession(item[SESSION_ATTRIBUTE]?.S);
        if (session !== null) sessions.push({ id, session, expiresAt });
      }
      return sessions;
    },

    async claimLogoutToken(jti, expiresAt) {
      assertNonEmpty(jti, "a logout token's `jti`");
      assertExpiresAt(expiresAt);
      const item: Record<string, AttributeValue> = {
        ...key(LOGOUT_TOKEN_PREFIX + (await sha256Hex(jti))),
        ...expiry(expiresAt),
      };
      // First claim wins; an earlier claim counts until its own expiry, not until TTL sweeps it.
      return conditional("PutItem", () =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: "attribute_not_exists(#id) OR #expiresAt <= :now",
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: nowValue(),
          }),
        ),
      );
    },

    async releaseLogoutToken(jti) {
      assertNonEmpty(jti, "a logout token's `jti`");
      await deleteItem(LOGOUT_TOKEN_PREFIX + (await sha256Hex(jti)));
    },

    async acquireRefreshLease(id, holder, expiresAt) {
      assertStoreId(id);
      assertNonEmpty(holder, "a refresh lease's `holder`");
      assertExpiresAt(expiresAt);
      if (expiresAt <= Date.now()) return false;
      const item: Record<string, AttributeValue> = {
        ...key(REFRESH_LEASE_PREFIX + (await sha256Hex(id))),
        [HOLDER_ATTRIBUTE]: { S: holder },
        ...expiry(expiresAt),
      };
      return conditional("PutItem", () =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression:
              "attribute_not_exists(#id) OR #expiresAt <= :now OR #holder = :holder",
            ExpressionAttributeNames: { ...names, "#holder": HOLDER_ATTRIBUTE },
            ExpressionAttributeValues: { ...nowValue(), ":holder": { S: holder } },
          }),
        ),
      );
    },

    async releaseRefreshLease(id, holder) {
      assertStoreId(id);
      assertNonEmpty(holder, "a refresh lease's `holder`");
      const leaseKey = key(REFRESH_LEASE_PREFIX + (await sha256Hex(id)));
      // Another holder's lease, or none: nothing to end.
      await conditional("DeleteItem", () =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: leaseKey,
            ConditionExpression: "#holder = :holder",
            ExpressionAttributeNames: { "#holder": HOLDER_ATTRIBUTE },
            ExpressionAttributeValues: { ":holder": { S: holder } },
          }),
        ),
      );
    },
  };
}
