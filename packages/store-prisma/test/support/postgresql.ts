import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { prismaStore } from "../../src/index.js";
import { PrismaClient } from "../generated/postgresql/client/client.js";
import {
  randomName,
  rawTableAccess,
  readMigration,
  type StoreContext,
  type TestDatabase,
} from "./test-database.js";

/** Where the PostgreSQL server is, and how to take it down for the outage tests. */
export interface PostgresTarget {
  url: string;
  outage?: { stop(): Promise<void>; start(): Promise<void> } | undefined;
}

/** A statement Prisma sent, as its query log reports it. */
export interface LoggedQuery {
  query: string;
  params: unknown[];
}

/** Test-only knobs of {@link postgresDatabase}. */
export interface PostgresDatabaseOptions {
  /** Record every statement in `context.queries` (the EXPLAIN test reads them). @default true */
  logQueries?: boolean;
  /** Connections per store's pool. @default 8 */
  poolSize?: number;
}

/** Each store gets its own schema (the model's table name is fixed), dropped when it is destroyed. */
export async function postgresDatabase(
  target: PostgresTarget,
  options: PostgresDatabaseOptions = {},
) {
  const { logQueries = true, poolSize = 8 } = options;
  const migration = await readMigration("postgresql");
  // The admin pool outlives outages: a dead idle connection is replaced on next use.
  const admin = new pg.Pool({
    connectionString: target.url,
    max: 2,
    connectionTimeoutMillis: 5_000,
  });
  admin.on("error", () => {});

  return {
    dialect: "postgresql",
    outage: target.outage,
    async createContext(): Promise<StoreContext<PrismaClient> & { queries: LoggedQuery[] }> {
      const schema = randomName("sk");
      await admin.query(
        `BEGIN; CREATE SCHEMA "${schema}"; SET LOCAL search_path TO "${schema}"; ${migration}; COMMIT;`,
      );
      const prisma = new PrismaClient({
        adapter: new PrismaPg(
          { connectionString: target.url, max: poolSize, connectionTimeoutMillis: 10_000 },
          { schema },
        ),
        log: logQueries ? [{ emit: "event", level: "query" }] : [],
      });
      // Kept for the EXPLAIN test: the exact SQL and parameters the store made Prisma send.
      const queries: LoggedQuery[] = [];
      prisma.$on("query", (event) => {
        queries.push({ query: event.query, params: JSON.parse(event.params) as unknown[] });
      });
      const qualify = (name: string) => `"${schema}"."${name}"`;
      const table = qualify("sessionkit_sessions");
      return {
        store: prismaStore(prisma),
        prisma,
        table,
        qualify,
        queries,
        ...rawTableAccess(
          prisma,
          table,
          `INSERT INTO ${table} (id, data, iss, sid, sub, expires_at, created_at)
             VALUES ($1, $2, 'https://planted.example', NULL, 'planted', $3, $4)
             ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
        ),
        async destroy() {
          await prisma.$disconnect();
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        },
      };
    },
    admin,
    async close() {
      await admin.end();
    },
  } satisfies TestDatabase & { admin: pg.Pool };
}

/** The PostgreSQL test database, with its admin pool for EXPLAIN. */
export type PostgresDatabase = Awaited<ReturnType<typeof postgresDatabase>>;
