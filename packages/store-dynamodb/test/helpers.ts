import { createHash, randomBytes } from "node:crypto";
import { DeleteTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  isSessionStoreError,
  type SessionData,
  type SessionStore,
  type SessionStoreError,
} from "@sessionkit/auth/store";
import type { DynamoDbBackend } from "@sessionkit/store-conformance/backends";
import { createSessionTable, type DynamoDbStoreOptions, dynamoDbStore } from "../src/index.js";

/**
 * A client that fails fast when DynamoDB is down: one retry. A stopped server
 * refuses connections at once; the timeouts only catch a hung one, and leave
 * room for a burst of hundreds of parallel requests to a JVM on a busy machine
 * (2 cores, many test runs: connecting alone has taken over 3 s).
 * (Production settings are in the README.)
 */
export function testClient(backend: Pick<DynamoDbBackend, "endpoint" | "region" | "credentials">) {
  return new DynamoDBClient({
    endpoint: backend.endpoint,
    region: backend.region,
    credentials: backend.credentials,
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
    },
  });
}

export const randomTableName = () => `sessions-${randomBytes(6).toString("hex")}`;

/** A store on a table of its own, created fresh. */
export async function freshStore(
  client: DynamoDBClient,
  options: Partial<DynamoDbStoreOptions> = {},
) {
  const table = { tableName: randomTableName(), ...options };
  await createSessionTable(client, table);
  return { store: dynamoDbStore(client, table), table };
}

export async function dropTable(client: DynamoDBClient, tableName: string) {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
}

/**
 * A table per store, for the conformance suite: `createStore` and `destroyStore` as it takes
 * them, and `tableOf` to reach a store's table (to plant corrupt data).
 */
export function tablePerStore(client: DynamoDBClient) {
  const tables = new WeakMap<SessionStore, string>();
  return {
    tableOf: (store: SessionStore) => tables.get(store)!,
    async createStore() {
      const { store, table } = await freshStore(client);
      tables.set(store, table.tableName);
      return store;
    },
    async destroyStore(store: SessionStore) {
      const tableName = tables.get(store);
      if (tableName) await dropTable(client, tableName);
    },
  };
}

export const ISS = "https://op.example";

export function session(sub: string, sid?: string, iss = ISS): SessionData {
  const now = Date.now();
  return {
    user: { sub },
    tokenSet: { accessToken: "at" },
    internal: { iss, sid, createdAt: now, expiresAt: now + 60_000 },
  };
}

export const inAMinute = () => ({ expiresAt: Date.now() + 60_000 });

/** Counts the HTTP requests a client sends, per command (retries included). */
export function countRequests(client: DynamoDBClient) {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? "unknown";
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    // The deserialize step runs once per attempt, below the retry middleware.
    { step: "deserialize", name: "sessionkitCountRequests" },
  );
  return {
    counts,
    total: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
    reset: () => counts.clear(),
  };
}

/** The item under `id` as DynamoDB holds it (read consistently), or undefined. */
export async function rawItem(client: DynamoDBClient, tableName: string, id: string, key = "id") {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { [key]: { S: id } }, ConsistentRead: true }),
  );
  return Item;
}

/** The SessionStoreError `promise` rejects with; fails the test on anything else. */
export async function storeError(promise: Promise<unknown>): Promise<SessionStoreError> {
  try {
    await promise;
  } catch (error) {
    if (isSessionStoreError(error)) return error;
    throw error;
  }
  throw new Error("expected a SessionStoreError");
}

/** The key the store gives its own items: a prefix plus the SHA-256 (hex) of what they name. */
export const reservedKey = (prefix: "#logout-token#" | "#refresh-lease#", value: string) =>
  prefix + createHash("sha256").update(value).digest("hex");
