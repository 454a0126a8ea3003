import { type AddressInfo, createServer, type Socket } from "node:net";
import {
  type AttributeValue,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { isSessionStoreError, type SessionStore } from "@sessionkit/auth/store";
import { type DynamoDbBackend, startDynamoDb } from "@sessionkit/store-conformance/backends";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionTable, dynamoDbStore } from "../src/index.js";
import { MAX_ITEM_BYTES } from "../src/session-item.js";
import { toStoreError } from "../src/to-store-error.js";
import {
  countRequests,
  dropTable,
  freshStore,
  ISS,
  inAMinute,
  randomTableName,
  session,
  testClient,
} from "./helpers.js";

let backend: DynamoDbBackend;
let client: DynamoDBClient;
const tables: string[] = [];

beforeAll(async () => {
  backend = await startDynamoDb();
  client = testClient(backend);
});
afterAll(async () => {
  await Promise.all(tables.map((name) => dropTable(client, name)));
  client?.destroy();
  await backend?.close();
});

const newStore = async (options: Parameters<typeof freshStore>[1] = {}) => {
  const made = await freshStore(client, options);
  tables.push(made.table.tableName);
  return made;
};

const rawItem = async (tableName: string, id: string, key = "id") =>
  (
    await client.send(
      new GetItemCommand({ TableName: tableName, Key: { [key]: { S: id } }, ConsistentRead: true }),
    )
  ).Item;

const storeError = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (isSessionStoreError(error)) return error;
    throw error;
  }
  throw new Error("expected a SessionStoreError");
};

describe("dynamoDbStore: one request per operation", () => {
  it("sends exactly one request for get, set, update and delete", async () => {
    const { store } = await newStore();
    const requests = countRequests(client);
    const expectOne = async (run: () => Promise<unknown>, command: string) => {
      requests.reset();
      await run();
      expect(Object.fromEntries(requests.counts)).toEqual({ [command]: 1 });
    };
    await expectOne(() => store.set("a", session("alice", "s1"), inAMinute()), "PutItemCommand");
    await expectOne(() => store.get("a"), "GetItemCommand");
    await expectOne(() => store.get("missing"), "GetItemCommand");
    await expectOne(() => store.update("a", session("alice", "s1"), inAMinute()), "PutItemCommand");
    await expectOne(() => store.update("none", session("bob"), inAMinute()), "PutItemCommand");
    await expectOne(
      () => store.set("a", session("alice"), { expiresAt: Date.now() - 1 }),
      "DeleteItemCommand",
    );
    await expectOne(() => store.delete("a"), "DeleteItemCommand");
    await expectOne(() => store.delete("a"), "DeleteItemCommand");
    client.middlewareStack.remove("sessionkitCountRequests");
  });
});

describe("dynamoDbStore: items and expiry", () => {
  it("stores the TTL as integer epoch seconds rounded up, and the exact expiry in ms", async () => {
    const { store, table } = await newStore();
    const expiresAt = Date.now() + 90_500;
    await store.set("a", session("alice", "s1"), { expiresAt });
    const item = await rawItem(table.tableName, "a");
    expect(item?.ttl).toEqual({ N: String(Math.ceil(expiresAt / 1000)) });
    expect(item?.expiresAt).toEqual({ N: String(expiresAt) });
    expect(item?.sidKey?.S).toBe(JSON.stringify([ISS, "s1"]));
    expect(item?.subKey?.S).toBe(JSON.stringify([ISS, "alice"]));
    await store.set("b", session("bob"), inAMinute());
    expect(await rawItem(table.tableName, "b")).not.toHaveProperty("sidKey");
  });

  it("does not serve an item past expiresAt that DynamoDB still returns", async () => {
    const { store, table } = await newStore();
    const past = Date.now() - 5_000;
    // As DynamoDB leaves it for up to two days: TTL not swept yet, expiry passed.
    await client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          id: { S: "stale" },
          session: { S: JSON.stringify(session("alice", "s1")) },
          expiresAt: { N: String(past) },
          ttl: { N: String(Math.ceil(Date.now() / 1000) + 3_600) },
          sidKey: { S: JSON.stringify([ISS, "s1"]) },
          subKey: { S: JSON.stringify([ISS, "alice"]) },
        },
      }),
    );
    expect(await rawItem(table.tableName, "stale")).toBeDefined();
    expect(await store.get("stale")).toBeNull();
    expect(await store.update("stale", session("alice", "s1"), inAMinute())).toBe(false);
    expect(await store.get("stale")).toBeNull();
    // Ended, yet still indexed: removed by the logout but not counted as ended.
    expect(await store.deleteByLogoutToken({ iss: ISS, sub: "alice" })).toBe(0);
    expect(await rawItem(table.tableName, "stale")).toBeUndefined();
  });

  it("stops serving a session the moment it expires", async () => {
    const { store } = await newStore();
    // Room for the write and the read on a busy machine; then a wait just past the expiry.
    const expiresAt = Date.now() + 2_000;
    await store.set("soon", session("alice"), { expiresAt });
    expect(await store.get("soon")).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 10));
    expect(await store.get("soon")).toBeNull();
    expect(await store.update("soon", session("alice"), inAMinute())).toBe(false);
  });

  it("ends a live session through update with a past expiresAt, and only a live one", async () => {
    const { store, table } = await newStore();
    await store.set("a", session("alice"), inAMinute());
    expect(await store.update("a", session("alice"), { expiresAt: Date.now() - 1 })).toBe(true);
    expect(await rawItem(table.tableName, "a")).toBeUndefined();
    expect(await store.update("a", session("alice"), { expiresAt: Date.now() - 1 })).toBe(false);
  });

  it("returns null for an unreadable item and removes it", async () => {
    const { store, table } = await newStore();
    const live = String(Date.now() + 60_000);
    const corrupt: Record<string, AttributeValue>[] = [
      { session: { S: "{not json" }, expiresAt: { N: live } },
      { session: { S: JSON.stringify({ user: "nobody" }) }, expiresAt: { N: live } },
      { session: { N: "1" }, expiresAt: { N: live } },
      { expiresAt: { N: live } },
      { session: { S: JSON.stringify(session("alice")) } },
      { session: { S: JSON.stringify(session("alice")) }, expiresAt: { S: "tomorrow" } },
    ];
    for (const [index, attributes] of corrupt.entries()) {
      const id = `corrupt-${index}`;
      await client.send(
        new PutItemCommand({ TableName: table.tableName, Item: { id: { S: id }, ...attributes } }),
      );
      expect(await store.get(id), id).toBeNull();
      expect(await rawItem(table.tableName, id), id).toBeUndefined();
    }
  });
});

describe("dynamoDbStore: back-channel logout", () => {
  it("ends all 60 sessions of one sub, in three batches, and no others", async () => {
    const { store } = await newStore();
    const ids = Array.from({ length: 60 }, (_, i) => `alice-${i}`);
    await Promise.all(ids.map((id, i) => store.set(id, session("alice", `s${i}`), inAMinute())));
    await store.set("bob", session("bob", "s0"), inAMinute());
    await store.set("other-op", session("alice", "s0", "https://other.example"), inAMinute());

    const requests = countRequests(client);
    expect(await store.deleteByLogoutToken({ iss: ISS, sub: "alice" })).toBe(60);
    expect(requests.counts.get("BatchWriteItemCommand")).toBe(3);
    client.middlewareStack.remove("sessionkitCountRequests");

    for (const id of ids) expect(await store.get(id), id).toBeNull();
    expect(await store.get("bob")).not.toBeNull();
    expect(await store.get("other-op")).not.toBeNull();
    expect(await store.deleteByLogoutToken({ iss: ISS, sub: "alice" })).toBe(0);
  });

  it("reads every page of the index", async () => {
    const { store } = await newStore();
    const ids = Array.from({ length: 40 }, (_, i) => `p-${i}`);
    await Promise.all(ids.map((id) => store.set(id, session("paula"), inAMinute())));
    // DynamoDB pages a Query at 1 MB; a small Limit makes the same pagination
    // happen without writing a megabyte of index entries.
    let queries = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "QueryCommand") {
          queries++;
          (args.input as { Limit?: number }).Limit = 7;
        }
        return next(args);
      },
      { step: "initialize", name: "sessionkitSmallPages" },
    );
    try {
      expect(await store.deleteByLogoutToken({ iss: ISS, sub: "paula" })).toBe(40);
    } finally {
      client.middlewareStack.remove("sessionkitSmallPages");
    }
    expect(queries).toBe(6); // ⌈40/7⌉ = 6 pages, the last one without LastEvaluatedKey
    for (const id of ids) expect(await store.get(id), id).toBeNull();
  });

  it("ends by sid, and by sid and sub only when both match", async () => {
    const { store } = await newStore();
    await store.set("1", session("alice", "s1"), inAMinute());
    await store.set("2", session("alice", "s2"), inAMinute());
    await store.set("3", session("bob", "s1"), inAMinute());
    expect(await store.deleteByLogoutToken({ iss: ISS, sid: "s1", sub: "alice" })).toBe(1);
    expect(await store.get("1")).toBeNull();
    expect(await store.get("3")).not.toBeNull();
    expect(await store.deleteByLogoutToken({ iss: ISS, sid: "s1" })).toBe(1);
    expect(await store.get("3")).toBeNull();
    expect(await store.get("2")).not.toBeNull();
    expect(await store.deleteByLogoutToken({ iss: ISS, sid: "nope" })).toBe(0);
    const error = await storeError(store.deleteByLogoutToken({ iss: ISS }));
    expect(error.code).toBe("STORE_INVALID_ARGUMENT");
  });

  it("resends the deletions DynamoDB leaves unprocessed", async () => {
    const { store } = await newStore({ batchBaseDelaySeconds: 0.005 });
    const ids = Array.from({ length: 30 }, (_, i) => `u-${i}`);
    await Promise.all(ids.map((id) => store.set(id, session("carol"), inAMinute())));
    // DynamoDB Local never throttles: hold back all but 10 requests of each batch as
    // DynamoDB does under load, and hand them back as UnprocessedItems.
    let batches = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "BatchWriteItemCommand") return next(args);
        batches++;
        const input = args.input as {
          RequestItems: Record<string, unknown[]>;
        };
        const [tableName, requests] = Object.entries(input.RequestItems)[0]!;
        const held = requests.slice(10);
        input.RequestItems = { [tableName]: requests.slice(0, 10) };
        const result = await next(args);
        const output = result.output as { UnprocessedItems?: Record<string, unknown[]> };
        if (held.length > 0) output.UnprocessedItems = { [tableName]: held };
        return result;
      },
      { step: "initialize", name: "sessionkitUnprocessed" },
    );
    try {
      expect(await store.deleteByLogoutToken({ iss: ISS, sub: "carol" })).toBe(30);
    } finally {
      client.middlewareStack.remove("sessionkitUnprocessed");
    }
    expect(batches).toBe(4); // 25 take three tries of 10, 10, 5; the other 5 take one
    for (const id of ids) expect(await store.get(id), id).toBeNull();
  });

  it("reports STORE_THROTTLED when unprocessed deletions never clear", async () => {
    const { store } = await newStore({ batchMaxAttempts: 3, batchBaseDelaySeconds: 0.001 });
    await store.set("d", session("dave"), inAMinute());
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "BatchWriteItemCommand") return next(args);
        const input = args.input as { RequestItems: Record<string, unknown[]> };
        return {
          output: { UnprocessedItems: input.RequestItems, $metadata: {} },
          response: {},
        } as Awaited<ReturnType<typeof next>>;
      },
      { step: "initialize", name: "sessionkitNothingProcessed" },
    );
    try {
      const error = await storeError(store.deleteByLogoutToken({ iss: ISS, sub: "dave" }));
      expect(error.code).toBe("STORE_THROTTLED");
      expect(error.retryAfter).toBeGreaterThan(0);
    } finally {
      client.middlewareStack.remove("sessionkitNothingProcessed");
    }
    expect(await store.get("d")).not.toBeNull();
  });
});

describe("dynamoDbStore: limits and errors", () => {
  it("refuses a session too large for an item before sending anything", async () => {
    const { store } = await newStore();
    const big = { ...session("alice", "s1"), blob: "x".repeat(MAX_ITEM_BYTES) };
    await store.set("big", session("alice"), inAMinute());
    const requests = countRequests(client);
    try {
      for (const write of [
        () => store.set("big", big, inAMinute()),
        () => store.update("big", big, inAMinute()),
      ]) {
        const error = await storeError(write());
        expect(error.code).toBe("STORE_PAYLOAD_TOO_LARGE");
      }
      // Multi-byte characters count by their UTF-8 size.
      const wide = { ...session("alice"), blob: "é".repeat(MAX_ITEM_BYTES / 2) };
      expect((await storeError(store.set("big", wide, inAMinute()))).code).toBe(
        "STORE_PAYLOAD_TOO_LARGE",
      );
      expect(requests.total()).toBe(0);
    } finally {
      client.middlewareStack.remove("sessionkitCountRequests");
    }
    expect((await store.get("big"))?.user.sub).toBe("alice");
  });

  it("maps DynamoDB's own item-size refusal to STORE_PAYLOAD_TOO_LARGE", async () => {
    const { table } = await newStore();
    // Past the pre-check, e.g. an item grown by another writer: DynamoDB's real refusal.
    const refusal = await client
      .send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: { id: { S: "x" }, session: { S: "z".repeat(MAX_ITEM_BYTES) } },
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refusal).toMatchObject({ name: "ValidationException" });
    const error = toStoreError(refusal, "PutItem");
    expect(error.code).toBe("STORE_PAYLOAD_TOO_LARGE");
    expect(error.cause).toBe(refusal);
  });

  it("refuses an issuer plus sub too long for an index key, and finds no session by it", async () => {
    const { store } = await newStore();
    const sub = "s".repeat(2_100);
    const requests = countRequests(client);
    try {
      const error = await storeError(store.set("long", session(sub), inAMinute()));
      expect(error.code).toBe("STORE_INVALID_ARGUMENT");
      expect(await store.deleteByLogoutToken({ iss: ISS, sub })).toBe(0);
      expect(requests.total()).toBe(0);
    } finally {
      client.middlewareStack.remove("sessionkitCountRequests");
    }
  });

  it("accepts a session just under the limit, so the estimate is not too strict", async () => {
    const { store } = await newStore();
    const base = session("alice", "s1");
    // Leave room for the attribute names, the keys and the numbers (≤ 21 bytes each).
    const blob = "y".repeat(MAX_ITEM_BYTES - 1_000);
    await store.set("near", { ...base, blob }, inAMinute());
    expect((await store.get("near"))?.blob).toBe(blob);
  });

  it("maps throttling to STORE_THROTTLED with a retry hint", async () => {
    const { table } = await newStore();
    // A client of its own, without the SDK's (slow) throttling retries.
    const throttled = new DynamoDBClient({
      endpoint: backend.endpoint,
      region: backend.region,
      credentials: backend.credentials,
      maxAttempts: 1,
    });
    const store = dynamoDbStore(throttled, table);
    throttled.middlewareStack.add(
      () => async () => {
        throw new ProvisionedThroughputExceededException({
          message: "Rate of requests exceeds the allowed throughput.",
          $metadata: { httpStatusCode: 400 },
        });
      },
      { step: "deserialize", name: "sessionkitThrottle" },
    );
    try {
      for (const run of [
        () => store.get("a"),
        () => store.set("a", session("alice"), inAMinute()),
        () => store.update("a", session("alice"), inAMinute()),
        () => store.delete("a"),
        () => store.deleteByLogoutToken({ iss: ISS, sub: "alice" }),
      ]) {
        const error = await storeError(run());
        expect(error.code).toBe("STORE_THROTTLED");
        expect(error.retryAfter).toBeGreaterThan(0);
        expect(error.cause).toBeInstanceOf(ProvisionedThroughputExceededException);
      }
    } finally {
      throttled.destroy();
    }
  });

  it("turns a server that accepts but never answers into STORE_UNAVAILABLE", async () => {
    // A real socket that swallows requests: what a hung endpoint looks like to the SDK.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const hung = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: backend.region,
      credentials: backend.credentials,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 500, requestTimeout: 500, throwOnRequestTimeout: true },
    });
    try {
      const store = dynamoDbStore(hung, { tableName: randomTableName() });
      // The server never answers: an error at all is the request timeout's (without one the
      // call would hang until the test's own timeout fails it).
      const error = await storeError(store.get("a"));
      expect(error.code).toBe("STORE_UNAVAILABLE");
    } finally {
      hung.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("reports a missing table as STORE_OPERATION_FAILED", async () => {
    const store = dynamoDbStore(client, { tableName: randomTableName() });
    const error = await storeError(store.get("a"));
    expect(error.code).toBe("STORE_OPERATION_FAILED");
    expect(error.message).toMatch(/ResourceNotFoundException/);
  });

  it("rejects bad options and bad writes with STORE_INVALID_ARGUMENT", async () => {
    const { store } = await newStore();
    const invalid = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return isSessionStoreError(error, "STORE_INVALID_ARGUMENT");
      }
      return false;
    };
    expect(invalid(() => dynamoDbStore(client, {} as { tableName: string }))).toBe(true);
    expect(invalid(() => dynamoDbStore(client, { tableName: "t", ttlAttribute: "session" }))).toBe(
      true,
    );
    expect(invalid(() => dynamoDbStore({} as DynamoDBClient, { tableName: "t" }))).toBe(true);
    const bad = { user: {} } as unknown as ReturnType<typeof session>;
    expect((await storeError(store.set("a", bad, inAMinute()))).code).toBe(
      "STORE_INVALID_ARGUMENT",
    );
    expect((await storeError(store.set("a", session("a"), { expiresAt: Number.NaN }))).code).toBe(
      "STORE_INVALID_ARGUMENT",
    );
  });

  it("rejects an empty id in every operation without a request, and a non-session even with a past expiresAt", async () => {
    const { store, table } = await newStore();
    const requests = countRequests(client);
    try {
      const codes = [
        await storeError(store.get("")),
        await storeError(store.set("", session("a"), inAMinute())),
        await storeError(store.update("", session("a"), inAMinute())),
        await storeError(store.delete("")),
      ].map((error) => error.code);
      expect(codes).toEqual(Array(4).fill("STORE_INVALID_ARGUMENT"));
      expect(requests.total()).toBe(0);
    } finally {
      client.middlewareStack.remove("sessionkitCountRequests");
    }
    await store.set("kept", session("a"), inAMinute());
    const bad = { user: {} } as unknown as ReturnType<typeof session>;
    const past = { expiresAt: Date.now() - 1 };
    expect((await storeError(store.set("kept", bad, past))).code).toBe("STORE_INVALID_ARGUMENT");
    expect((await storeError(store.update("kept", bad, past))).code).toBe("STORE_INVALID_ARGUMENT");
    expect(await rawItem(table.tableName, "kept")).toBeDefined();
  });
});

describe("createSessionTable", () => {
  it("refuses an existing table that lacks the indexes", async () => {
    const tableName = randomTableName();
    tables.push(tableName);
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      }),
    );
    const error = await storeError(createSessionTable(client, { tableName }));
    expect(error.code).toBe("STORE_OPERATION_FAILED");
    expect(error.message).toMatch(/sid-index/);
  });

  it("creates the table, both indexes and TTL, and can run again", async () => {
    const table = {
      tableName: randomTableName(),
      partitionKey: "pk",
      ttlAttribute: "expires",
      sidIndexName: "by-sid",
      subIndexName: "by-sub",
    };
    tables.push(table.tableName);
    await createSessionTable(client, table);
    await createSessionTable(client, table);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.KeySchema).toEqual([{ AttributeName: "pk", KeyType: "HASH" }]);
    expect(Table?.GlobalSecondaryIndexes?.map((gsi) => gsi.IndexName).sort()).toEqual([
      "by-sid",
      "by-sub",
    ]);
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: table.tableName }),
    );
    expect(TimeToLiveDescription).toMatchObject({
      AttributeName: "expires",
      TimeToLiveStatus: "ENABLED",
    });

    // The custom names work end to end.
    const store: SessionStore = dynamoDbStore(client, table);
    await store.set("x", session("erin", "s9"), inAMinute());
    expect((await rawItem(table.tableName, "x", "pk"))?.expires?.N).toMatch(/^\d+$/);
    expect((await store.get("x"))?.user.sub).toBe("erin");
    expect(await store.deleteByLogoutToken({ iss: ISS, sid: "s9" })).toBe(1);
    expect(await store.get("x")).toBeNull();
  });
});
