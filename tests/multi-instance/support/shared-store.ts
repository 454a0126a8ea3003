import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { startDynamoDb, startPostgres, startRedis } from "@sessionkit/store-conformance/backends";
import { createSessionTable } from "@sessionkit/store-dynamodb";
import pg from "pg";
import type { StoreConfig, StoreKind } from "./instance-config.ts";

/** A backend of one kind, with an isolated store on it that every app instance opens. */
export interface SharedStore {
  readonly kind: StoreKind;
  /** What each instance opens (same prefix, schema or table for all). */
  readonly config: StoreConfig;
  /** Where the backend came from, for messages. */
  readonly source: string;
  /** Drops the isolated store and stops the backend; idempotent. */
  close(): Promise<void>;
}

const suffix = () => randomBytes(4).toString("hex");

const migrations = fileURLToPath(
  new URL("../../../packages/store-prisma/prisma/migrations/postgresql/", import.meta.url),
);

/** Every PostgreSQL migration store-prisma ships, oldest first, exactly as users apply them. */
async function postgresMigrations(): Promise<string[]> {
  const names = (await readdir(migrations)).filter((name) => /^\d+_/.test(name)).sort();
  return Promise.all(names.map((name) => readFile(`${migrations}${name}/migration.sql`, "utf8")));
}

async function closeAll(steps: (() => Promise<unknown>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    await step().catch((error: unknown) => errors.push(error));
  }
  if (errors.length > 0) throw new AggregateError(errors, "closing the shared store failed");
}

function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= close();
    return closing;
  };
}

async function redis(): Promise<SharedStore> {
  const backend = await startRedis();
  return {
    kind: "redis",
    config: { kind: "redis", url: backend.url, prefix: `multi-instance-${suffix()}:` },
    source: `${backend.source} Redis ${backend.url}`,
    // Keys under the prefix carry TTLs: on a server named by REDIS_URL they expire on their own.
    close: once(() => backend.close()),
  };
}

async function prisma(): Promise<SharedStore> {
  const backend = await startPostgres();
  const schema = `multi_instance_${suffix()}`;
  const admin = new pg.Client({ connectionString: backend.url });
  admin.on("error", () => {});
  try {
    await admin.connect();
    const sql = await postgresMigrations();
    await admin.query(
      `BEGIN; CREATE SCHEMA "${schema}"; SET LOCAL search_path TO "${schema}"; ${sql.join(";\n")}; COMMIT;`,
    );
  } catch (error) {
    await closeAll([() => admin.end(), () => backend.close()]);
    throw error;
  }
  return {
    kind: "prisma",
    config: { kind: "prisma", url: backend.url, schema },
    source: `${backend.source} PostgreSQL, schema ${schema}`,
    close: once(() =>
      closeAll([
        () => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
        () => admin.end(),
        () => backend.close(),
      ]),
    ),
  };
}

async function dynamodb(): Promise<SharedStore> {
  const backend = await startDynamoDb();
  const tableName = `multi-instance-${suffix()}`;
  const client = new DynamoDBClient({
    endpoint: backend.endpoint,
    region: backend.region,
    credentials: backend.credentials,
  });
  try {
    await createSessionTable(client, { tableName });
  } catch (error) {
    client.destroy();
    await backend.close();
    throw error;
  }
  return {
    kind: "dynamodb",
    config: {
      kind: "dynamodb",
      endpoint: backend.endpoint,
      region: backend.region,
      credentials: backend.credentials,
      tableName,
    },
    source: `${backend.source} DynamoDB Local ${backend.endpoint}, table ${tableName}`,
    close: once(() =>
      closeAll([
        () => client.send(new DeleteTableCommand({ TableName: tableName })),
        async () => client.destroy(),
        () => backend.close(),
      ]),
    ),
  };
}

const starters: Record<StoreKind, () => Promise<SharedStore>> = { redis, prisma, dynamodb };

/** Starts the backend of `kind` (env URL, container or local binary) with a fresh isolated store. */
export function startSharedStore(kind: StoreKind): Promise<SharedStore> {
  return starters[kind]();
}
