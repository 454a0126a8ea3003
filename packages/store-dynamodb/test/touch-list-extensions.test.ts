import {
  type AttributeValue,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { type DynamoDbBackend, startDynamoDb } from "@sessionkit/store-conformance/backends";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionTable, dynamoDbStore } from "../src/index.js";
import {
  countRequests,
  dropTable,
  freshStore,
  ISS,
  inAMinute,
  randomTableName,
  rawItem,
  reservedKey,
  session,
  storeError,
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

/** Runs `run` with a request counter on the client, then removes it. */
async function counting<T>(run: (requests: ReturnType<typeof countRequests>) => Promise<T>) {
  const requests = countRequests(client);
  try {
    return await run(requests);
  } finally {
    client.middlewareStack.remove("sessionkitCountRequests");
  }
}

/** Runs `run` with `middleware` on the client's commands named `command`, then removes it. */
async function intercepting<T>(
  command: string,
  middleware: (input: Record<string, unknown>, send: () => Promise<unknown>) => Promise<unknown>,
  run: () => Promise<T>,
): Promise<T> {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== command) return next(args);
      return middleware(args.input as Record<string, unknown>, () => next(args)) as ReturnType<
        typeof next
      >;
    },
    { step: "initialize", name: `sessionkitIntercept${command}` },
  );
  try {
    return await run();
  } finally {
    client.middlewareStack.remove(`sessionkitIntercept${command}`);
  }
}

/** An item as the store writes a session, planted directly, e.g. with an expiry already past. */
async function plantSession(
  tableName: string,
  id: string,
  sub: string,
  expiresAt: number,
  extra: Record<string, AttributeValue> = {},
) {
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        id: { S: id },
        session: { S: JSON.stringify(session(sub)) },
        expiresAt: { N: String(expiresAt) },
        // As DynamoDB leaves it for up to two days: TTL not swept yet.
        ttl: { N: String(Math.ceil(Date.now() / 1000) + 3_600) },
        subKey: { S: JSON.stringify([ISS, sub]) },
        ...extra,
      },
    }),
  );
}

const ids = (listed: { id: string }[]) => listed.map((entry) => entry.id).sort();

describe("dynamoDbStore.touch", () => {
  it("sends one UpdateItem that moves only expiresAt and the TTL (rounded up), never the data or index keys", async () => {
    const { store, table } = await newStore();
    await store.set("a", session("alice", "s1"), inAMinute());
    const before = await rawItem(client, table.tableName, "a");
    const expiresAt = Date.now() + 90_500;
    await counting(async (requests) => {
      expect(await store.touch("a", { expiresAt })).toBe(true);
      expect(Object.fromEntries(requests.counts)).toEqual({ UpdateItemCommand: 1 });
    });
    const after = await rawItem(client, table.tableName, "a");
    expect(after).toEqual({
      ...before,
      expiresAt: { N: String(expiresAt) },
      ttl: { N: String(Math.ceil(expiresAt / 1000)) },
    });
  });

  it("get() goes by the item's expiry, not the data's internal.expiresAt", async () => {
    const { store } = await newStore();
    const old = session("alice");
    old.internal.expiresAt = Date.now() - 1_000; // what the data said before a touch
    await store.set("a", old, inAMinute());
    expect((await store.get("a"))?.internal.expiresAt).toBe(old.internal.expiresAt);
    expect(await store.listSessions({ iss: ISS, sub: "alice" })).toHaveLength(1);
  });

  it("refuses an item past expiresAt that TTL has not swept, and creates no item for a missing id", async () => {
    const { store, table } = await newStore();
    const past = Date.now() - 5_000;
    await plantSession(table.tableName, "stale", "alice", past);
    expect(await store.touch("stale", inAMinute())).toBe(false);
    expect((await rawItem(client, table.tableName, "stale"))?.expiresAt).toEqual({
      N: String(past),
    });
    expect(await store.touch("missing", inAMinute())).toBe(false);
    expect(await rawItem(client, table.tableName, "missing")).toBeUndefined();
  });

  it("a past expiresAt deletes the item with one DeleteItem and answers false", async () => {
    const { store, table } = await newStore();
    await store.set("a", session("alice"), inAMinute());
    await counting(async (requests) => {
      expect(await store.touch("a", { expiresAt: Date.now() - 1 })).toBe(false);
      expect(Object.fromEntries(requests.counts)).toEqual({ DeleteItemCommand: 1 });
    });
    expect(await rawItem(client, table.tableName, "a")).toBeUndefined();
  });
});

describe("dynamoDbStore.listSessions", () => {
  it("costs one Query and one BatchGetItem, however many other sessions the table holds", async () => {
    const { store } = await newStore();
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.set(`alice-${i}`, session("alice"), inAMinute())),
    );
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.set(`other-${i}`, session(`u${i}`), inAMinute())),
    );
    await counting(async (requests) => {
      expect(await store.listSessions({ iss: ISS, sub: "alice" })).toHaveLength(5);
      expect(Object.fromEntries(requests.counts)).toEqual({
        QueryCommand: 1,
        BatchGetItemCommand: 1,
      });
      requests.reset();
      expect(await store.listSessions({ iss: ISS, sub: "nobody" })).toEqual([]);
      expect(Object.fromEntries(requests.counts)).toEqual({ QueryCommand: 1 });
    });
  });

  it("never lists an item past expiresAt that TTL has not swept, nor an unreadable one", async () => {
    const { store, table } = await newStore();
    const live = inAMinute();
    await store.set("live", session("alice"), live);
    // Long expired: the index filter drops it. Just expired: within the index-lag margin, so
    // the consistent read drops it.
    await plantSession(table.tableName, "long-gone", "alice", Date.now() - 3_600_000);
    await plantSession(table.tableName, "just-gone", "alice", Date.now() - 1_000);
    await plantSession(table.tableName, "corrupt", "alice", Date.now() + 60_000, {
      session: { S: "{not json" },
    });
    expect(await store.listSessions({ iss: ISS, sub: "alice" })).toEqual([
      { id: "live", session: await store.get("live"), expiresAt: live.expiresAt },
    ]);
  });

  it("the table has the last word: a session deleted or moved to another user after the index named it is not listed", async () => {
    const { store, table } = await newStore();
    for (const id of ["kept", "deleted", "moved"]) {
      await store.set(id, session("alice"), inAMinute());
    }
    // What the sub index's lag looks like: it still names sessions the table no longer
    // holds for alice. Change the table between the Query and the BatchGetItem.
    const other = testClient(backend);
    const sameTable = dynamoDbStore(other, table);
    try {
      const listed = await intercepting(
        "BatchGetItemCommand",
        async (_input, send) => {
          await sameTable.delete("deleted");
          await sameTable.set("moved", session("bob"), inAMinute());
          return send();
        },
        () => store.listSessions({ iss: ISS, sub: "alice" }),
      );
      expect(ids(listed)).toEqual(["kept"]);
    } finally {
      other.destroy();
    }
    expect(ids(await store.listSessions({ iss: ISS, sub: "bob" }))).toEqual(["moved"]);
  });

  it("reads every page of the index and every key in BatchGetItems of at most 100", async () => {
    const { store } = await newStore();
    const all = Array.from({ length: 230 }, (_, i) => `p-${String(i).padStart(3, "0")}`);
    for (let start = 0; start < all.length; start += 50) {
      await Promise.all(
        all.slice(start, start + 50).map((id) => store.set(id, session("paula"), inAMinute())),
      );
    }
    // DynamoDB pages a Query at 1 MB; a small Limit pages the same way with less data.
    let queries = 0;
    const batchSizes: number[] = [];
    const listed = await intercepting(
      "QueryCommand",
      async (input, send) => {
        queries++;
        input.Limit = 60;
        return send();
      },
      () =>
        intercepting(
          "BatchGetItemCommand",
          async (input, send) => {
            const requests = input.RequestItems as Record<string, { Keys: unknown[] }>;
            batchSizes.push(Object.values(requests)[0]!.Keys.length);
            return send();
          },
          () => store.listSessions({ iss: ISS, sub: "paula" }),
        ),
    );
    expect(ids(listed)).toEqual(all);
    expect(queries).toBe(4); // ⌈230/60⌉ pages
    expect(batchSizes.sort((a, b) => b - a)).toEqual([100, 100, 30]);
  });

  it("resends the keys DynamoDB leaves unprocessed, and reports STORE_THROTTLED when they never clear", async () => {
    const { store, table } = await newStore({ batchBaseDelaySeconds: 0.005 });
    const all = Array.from({ length: 30 }, (_, i) => `u-${i}`);
    await Promise.all(all.map((id) => store.set(id, session("carol"), inAMinute())));
    // DynamoDB Local never leaves keys unprocessed: hold back all but 10 of each request.
    let batches = 0;
    const holdBack = async (input: Record<string, unknown>, send: () => Promise<unknown>) => {
      batches++;
      const requests = input.RequestItems as Record<string, { Keys: unknown[] }>;
      const [tableName, request] = Object.entries(requests)[0]!;
      const held = request.Keys.slice(10);
      request.Keys = request.Keys.slice(0, 10);
      const result = (await send()) as { output: { UnprocessedKeys?: unknown } };
      if (held.length > 0) {
        result.output.UnprocessedKeys = { [tableName]: { ...request, Keys: held } };
      }
      return result;
    };
    const listed = await intercepting("BatchGetItemCommand", holdBack, () =>
      store.listSessions({ iss: ISS, sub: "carol" }),
    );
    expect(ids(listed)).toEqual([...all].sort());
    expect(batches).toBe(3);

    const stingy = dynamoDbStore(client, {
      tableName: table.tableName,
      batchMaxAttempts: 2,
      batchBaseDelaySeconds: 0.001,
    });
    const error = await intercepting(
      "BatchGetItemCommand",
      async (input) => ({
        output: { Responses: {}, UnprocessedKeys: input.RequestItems, $metadata: {} },
        response: {},
      }),
      () => storeError(stingy.listSessions({ iss: ISS, sub: "carol" })),
    );
    expect(error.code).toBe("STORE_THROTTLED");
    expect(error.retryAfter).toBeGreaterThan(0);
  });

  it("answers [] without a request for an issuer plus sub too long for an index key", async () => {
    const { store } = await newStore();
    await counting(async (requests) => {
      expect(await store.listSessions({ iss: ISS, sub: "s".repeat(2_100) })).toEqual([]);
      expect(requests.total()).toBe(0);
    });
  });
});

describe("dynamoDbStore: logout-token claims and refresh leases", () => {
  it("are items of the session table under reserved keys, outside both indexes, one request each", async () => {
    const { store, table } = await newStore();
    await store.set("a", session("alice", "s1"), inAMinute());
    const until = Date.now() + 30_500;
    await counting(async (requests) => {
      expect(await store.claimLogoutToken("jti-1", until)).toBe(true);
      expect(await store.acquireRefreshLease("a", "instance-1", until)).toBe(true);
      expect(Object.fromEntries(requests.counts)).toEqual({ PutItemCommand: 2 });
      requests.reset();
      await store.releaseLogoutToken("jti-1");
      await store.releaseRefreshLease("a", "instance-1");
      expect(Object.fromEntries(requests.counts)).toEqual({ DeleteItemCommand: 2 });
    });
    await store.claimLogoutToken("jti-1", until);
    await store.acquireRefreshLease("a", "instance-1", until);
    const expiry = { expiresAt: { N: String(until) }, ttl: { N: String(Math.ceil(until / 1000)) } };
    expect(await rawItem(client, table.tableName, reservedKey("#logout-token#", "jti-1"))).toEqual({
      id: { S: reservedKey("#logout-token#", "jti-1") },
      ...expiry,
    });
    expect(await rawItem(client, table.tableName, reservedKey("#refresh-lease#", "a"))).toEqual({
      id: { S: reservedKey("#refresh-lease#", "a") },
      holder: { S: "instance-1" },
      ...expiry,
    });
    // Neither shows up where sessions are looked up, nor is ended by a logout.
    expect(ids(await store.listSessions({ iss: ISS, sub: "alice" }))).toEqual(["a"]);
    expect(await store.deleteByLogoutToken({ iss: ISS, sub: "alice" })).toBe(1);
    expect(await store.claimLogoutToken("jti-1", until)).toBe(false);
    expect(await store.acquireRefreshLease("a", "instance-2", until)).toBe(false);
  });

  it("a claim ends at its expiresAt attribute, not when the TTL sweeper gets to it", async () => {
    const { store, table } = await newStore();
    const key = reservedKey("#logout-token#", "jti-old");
    const sweptInAnHour = { N: String(Math.ceil(Date.now() / 1000) + 3_600) };
    await client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: { id: { S: key }, expiresAt: { N: String(Date.now() - 1) }, ttl: sweptInAnHour },
      }),
    );
    expect(await store.claimLogoutToken("jti-old", Date.now() + 60_000)).toBe(true);
    expect(await store.claimLogoutToken("jti-old", Date.now() + 60_000)).toBe(false);
  });

  it("a lease ends at its expiresAt attribute, not when the TTL sweeper gets to it", async () => {
    const { store, table } = await newStore();
    const key = reservedKey("#refresh-lease#", "a");
    await client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          id: { S: key },
          holder: { S: "crashed-instance" },
          expiresAt: { N: String(Date.now() - 1) },
          ttl: { N: String(Math.ceil(Date.now() / 1000) + 3_600) },
        },
      }),
    );
    expect(await store.acquireRefreshLease("a", "instance-2", Date.now() + 10_000)).toBe(true);
    expect((await rawItem(client, table.tableName, key))?.holder).toEqual({ S: "instance-2" });
  });

  it("refuses session ids in the store's own key space, empty jtis and holders, without a request", async () => {
    const { store } = await newStore();
    await counting(async (requests) => {
      const reserved = ["#logout-token#x", "#refresh-lease#x"];
      const calls = reserved.flatMap((id) => [
        () => store.get(id),
        () => store.set(id, session("alice"), inAMinute()),
        () => store.update(id, session("alice"), inAMinute()),
        () => store.touch(id, inAMinute()),
        () => store.delete(id),
        () => store.acquireRefreshLease(id, "h", Date.now() + 1_000),
      ]);
      calls.push(
        () => store.claimLogoutToken("", Date.now() + 1_000),
        () => store.releaseLogoutToken(""),
        () => store.acquireRefreshLease("a", "", Date.now() + 1_000),
        () => store.releaseRefreshLease("a", ""),
        () => store.claimLogoutToken("j", Number.NaN),
      );
      for (const call of calls) {
        expect((await storeError(call())).code).toBe("STORE_INVALID_ARGUMENT");
      }
      expect(requests.total()).toBe(0);
    });
  });
});

describe("dynamoDbStore options", () => {
  it("names itself for telemetry", () => {
    expect(dynamoDbStore(client, { tableName: "t" }).name).toBe("dynamodb");
  });

  it("names the new option when given a renamed one", async () => {
    for (const [old, renamed] of [
      ["batchWriteMaxAttempts", /batchMaxAttempts/],
      ["batchWriteBaseDelayMs", /batchBaseDelaySeconds`, in seconds/],
    ] as const) {
      const options = { tableName: "t", [old]: 5 };
      for (const make of [
        async () => dynamoDbStore(client, options),
        () => createSessionTable(client, options),
      ]) {
        const error = await storeError(make());
        expect(error.code).toBe("STORE_INVALID_ARGUMENT");
        expect(error.message).toMatch(renamed);
      }
    }
    for (const bad of [{ batchMaxAttempts: 1.5 }, { batchBaseDelaySeconds: -1 }]) {
      const error = await storeError(
        (async () => dynamoDbStore(client, { tableName: "t", ...bad }))(),
      );
      expect(error.code).toBe("STORE_INVALID_ARGUMENT");
    }
  });
});

describe("createSessionTable: the sub index", () => {
  it("creates it keyed by subKey, projecting expiresAt", async () => {
    const { table } = await newStore();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
    const sub = Table?.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === "sub-index");
    expect(sub?.KeySchema).toEqual([{ AttributeName: "subKey", KeyType: "HASH" }]);
    expect(sub?.Projection).toEqual({ ProjectionType: "INCLUDE", NonKeyAttributes: ["expiresAt"] });
  });

  it("refuses an existing table whose sub index does not project expiresAt", async () => {
    const tableName = randomTableName();
    tables.push(tableName);
    const index = (name: string, key: string, projection: object) => ({
      IndexName: name,
      KeySchema: [{ AttributeName: key, KeyType: "HASH" as const }],
      Projection: projection,
    });
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "id", AttributeType: "S" },
          { AttributeName: "sidKey", AttributeType: "S" },
          { AttributeName: "subKey", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [
          index("sid-index", "sidKey", { ProjectionType: "ALL" }),
          index("sub-index", "subKey", { ProjectionType: "KEYS_ONLY" }),
        ],
      }),
    );
    const error = await storeError(createSessionTable(client, { tableName }));
    expect(error.code).toBe("STORE_OPERATION_FAILED");
    expect(error.message).toMatch(
      /sub-index .* must have the partition key subKey and project expiresAt/,
    );
  });
});
