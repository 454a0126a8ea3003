// Brings up what a SESSION_STORE needs and answers the env the app runs with.
// Servers come from env URLs (REDIS_URL, DATABASE_URL / DATABASE_URL_POSTGRES,
// DYNAMODB_ENDPOINT), else from the conformance suite's test backends (a local
// redis-server / PostgreSQL / DynamoDB Local on a free port, or a container).
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const noop = async () => {};

const suffix = () => randomBytes(4).toString("hex");

async function redis({ isolate, log }) {
  const { startRedis } = await import("@sessionkit/store-conformance/backends");
  const backend = await startRedis();
  log(`Redis at ${backend.url} (${backend.source})`);
  return {
    env: {
      REDIS_URL: backend.url,
      SESSION_REDIS_PREFIX: isolate ? `sessionkit-demo-${suffix()}:` : "sessionkit-demo:",
    },
    backend,
    close: () => backend.close(),
  };
}

async function prisma({ isolate, log }) {
  const pg = (await import("pg")).default;
  let url = process.env.DATABASE_URL;
  let backend;
  if (!url) {
    const { startPostgres } = await import("@sessionkit/store-conformance/backends");
    backend = await startPostgres();
    log(`PostgreSQL (${backend.source})`);
    url = backend.url;
  }
  const schema = isolate ? `sessionkit_demo_${suffix()}` : "sessionkit_demo";
  const shipped = join(app, "node_modules/@sessionkit/store-prisma/prisma/migrations/postgresql");
  // Prisma's layout: one `<timestamp>_<name>/migration.sql` per migration, oldest first by name.
  const names = (await readdir(shipped)).filter((name) => /^\d+_/.test(name)).sort();
  const sql = await Promise.all(
    names.map((name) => readFile(join(shipped, name, "migration.sql"), "utf8")),
  );
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const { rows } = await admin.query("SELECT to_regclass($1) AS found", [
      `"${schema}".sessionkit_sessions`,
    ]);
    if (rows[0]?.found === null) {
      // The migrations @sessionkit/store-prisma ships, in order, applied as shipped.
      await admin.query(`BEGIN; SET LOCAL search_path TO "${schema}"; ${sql.join(";\n")}; COMMIT;`);
      log(`applied the sessionkit migrations in schema "${schema}"`);
    }
  } finally {
    await admin.end();
  }
  return {
    env: { DATABASE_URL: url, SESSION_DB_SCHEMA: schema },
    backend,
    async close() {
      if (isolate) {
        const dropper = new pg.Client({ connectionString: url });
        await dropper.connect();
        await dropper
          .query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
          .finally(() => dropper.end());
      }
      await backend?.close();
    },
  };
}

async function dynamodb({ isolate, log }) {
  const { DynamoDBClient, DeleteTableCommand } = await import("@aws-sdk/client-dynamodb");
  const { createSessionTable } = await import("@sessionkit/store-dynamodb");
  const { startDynamoDb } = await import("@sessionkit/store-conformance/backends");
  const backend = await startDynamoDb();
  log(`DynamoDB at ${backend.endpoint} (${backend.source})`);
  const tableName = isolate ? `sessionkit-demo-${suffix()}` : "sessionkit-demo-sessions";
  const client = new DynamoDBClient({
    endpoint: backend.endpoint,
    region: backend.region,
    credentials: backend.credentials,
  });
  await createSessionTable(client, { tableName });
  return {
    env: {
      DYNAMODB_ENDPOINT: backend.endpoint,
      AWS_REGION: backend.region,
      AWS_ACCESS_KEY_ID: backend.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: backend.credentials.secretAccessKey,
      SESSION_DYNAMODB_TABLE: tableName,
    },
    backend,
    async close() {
      if (isolate)
        await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
      client.destroy();
      await backend.close();
    },
  };
}

const preparers = { cookie: async () => ({ env: {}, close: noop }), redis, prisma, dynamodb };

/** See stores.d.mts. */
export async function prepareStore(kind, options = {}) {
  const prepare = preparers[kind];
  if (!prepare)
    throw new Error(`SESSION_STORE must be one of ${Object.keys(preparers).join(", ")}`);
  const prepared = await prepare({
    isolate: options.isolate ?? false,
    log: options.log ?? (() => {}),
  });
  return {
    env: { SESSION_STORE: kind, ...prepared.env },
    backend: prepared.backend,
    close: prepared.close,
  };
}
