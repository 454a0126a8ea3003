import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  assertExpiresAt,
  assertLogoutTokenClaims,
  assertSessionId,
  type LogoutTokenClaims,
  parseStoredSession,
  type SessionData,
  type SessionStore,
  SessionStoreError,
} from "@sessionkit/auth/store";
import { deleteItems } from "./delete-items.js";
import { queryIndex } from "./query-index.js";
import { sessionItem } from "./session-item.js";
import {
  EXPIRES_AT_ATTRIBUTE,
  indexKey,
  MAX_KEY_BYTES,
  resolveTableLayout,
  SESSION_ATTRIBUTE,
  SID_KEY_ATTRIBUTE,
  SUB_KEY_ATTRIBUTE,
} from "./table-layout.js";
import { attempt, isConditionFailed, toStoreError } from "./to-store-error.js";
import { utf8Length } from "./utf8-length.js";

/** Options of {@link dynamoDbStore}. The same object can be passed to `createSessionTable`. */
export interface DynamoDbStoreOptions {
  /** The table that holds the sessions (see the README for its layout). Required. */
  tableName: string;
  /** The table's partition key: a string attribute holding the (hashed) session id. @default "id" */
  partitionKey?: string;
  /** The attribute DynamoDB's TTL is enabled on: integer epoch seconds, rounded up. @default "ttl" */
  ttlAttribute?: string;
  /** The global secondary index on `sidKey` (issuer + OIDC `sid`). @default "sid-index" */
  sidIndexName?: string;
  /** The global secondary index on `subKey` (issuer + user `sub`). @default "sub-index" */
  subIndexName?: string;
  /** Tries per BatchWriteItem of a back-channel logout while DynamoDB returns unprocessed items. @default 8 */
  batchWriteMaxAttempts?: number;
  /** The first back-off before resending unprocessed deletions, in milliseconds; doubles per try. @default 50 */
  batchWriteBaseDelayMs?: number;
}

const positive = (value: number | undefined, fallback: number, what: string): number => {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved <= 0) {
    throw new SessionStoreError("STORE_INVALID_ARGUMENT", `${what} must be a positive number`);
  }
  return resolved;
};

/**
 * A `SessionStore` on DynamoDB, using the app's own `DynamoDBClient`.
 *
 * `get`, `set`, `update` and `delete` each send exactly one request: reads are
 * strongly consistent and ignore items past `expiresAt` that DynamoDB's TTL
 * sweeper has not removed yet; `update` is a conditional write that cannot
 * revive a session ended meanwhile. `deleteByLogoutToken` queries the `sid` or
 * `sub` index (every page) and deletes the matches in batches of 25.
 */
export function dynamoDbStore(client: DynamoDBClient, options: DynamoDbStoreOptions): SessionStore {
  if (typeof (client as { send?: unknown } | null)?.send !== "function") {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "dynamoDbStore needs a DynamoDBClient from @aws-sdk/client-dynamodb",
    );
  }
  const layout = resolveTableLayout(options);
  const { tableName, partitionKey } = layout;
  const batchOptions = {
    tableName,
    partitionKey,
    maxAttempts: positive(options.batchWriteMaxAttempts, 8, "`batchWriteMaxAttempts`"),
    baseDelayMs: positive(options.batchWriteBaseDelayMs, 50, "`batchWriteBaseDelayMs`"),
  };
  const key = (id: string) => ({ [partitionKey]: { S: id } });
  // A live item: one that exists and whose exact expiry has not passed.
  const liveCondition = {
    ConditionExpression: "attribute_exists(#id) AND #expiresAt > :now",
    ExpressionAttributeNames: { "#id": partitionKey, "#expiresAt": EXPIRES_AT_ATTRIBUTE },
  };

  const deleteItem = async (id: string) => {
    await attempt("DeleteItem", () =>
      client.send(new DeleteItemCommand({ TableName: tableName, Key: key(id) })),
    );
  };

  return {
    async get(id: string): Promise<SessionData | null> {
      assertSessionId(id);
      const { Item: item } = await attempt("GetItem", () =>
        client.send(
          new GetItemCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }),
        ),
      );
      if (item === undefined) return null;
      const expiresAt = Number(item[EXPIRES_AT_ATTRIBUTE]?.N);
      // DynamoDB deletes expired items up to two days late: the exact expiry decides.
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
      assertSessionId(id);
      assertExpiresAt(expiresAt);
      // Built first so a non-session is refused even by a write that only deletes.
      const item = sessionItem(layout, id, session, expiresAt);
      if (expiresAt <= Date.now()) return deleteItem(id);
      await attempt("PutItem", () =>
        client.send(new PutItemCommand({ TableName: tableName, Item: item })),
      );
    },

    async update(id, session, { expiresAt }) {
      assertSessionId(id);
      assertExpiresAt(expiresAt);
      const item = sessionItem(layout, id, session, expiresAt);
      const now = Date.now();
      const values = { ":now": { N: String(now) } };
      try {
        if (expiresAt <= now) {
          // Ending a live session through update still only touches a live one.
          await client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: key(id),
              ...liveCondition,
              ExpressionAttributeValues: values,
            }),
          );
        } else {
          await client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: item,
              ...liveCondition,
              ExpressionAttributeValues: values,
            }),
          );
        }
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw toStoreError(error, expiresAt <= now ? "DeleteItem" : "PutItem");
      }
    },

    async delete(id) {
      assertSessionId(id);
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
      await deleteItems(client, ids, batchOptions);
      return live.size;
    },
  };
}
