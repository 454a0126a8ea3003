import { readdir, readFile } from "node:fs/promises";
import type { PrismaSessionStore } from "../../src/index.js";

export type Dialect = "postgresql" | "mysql" | "sqlite";

/** What the tests need of any generated Prisma client. */
export interface TestPrismaClient {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $disconnect(): PromiseLike<void>;
}

/** One store on its own fresh table, plus raw access to that table. */
export interface StoreContext<Client extends TestPrismaClient = TestPrismaClient> {
  store: PrismaSessionStore;
  prisma: Client;
  /** The sessions table, qualified where the dialect needs it, ready to put in SQL. */
  table: string;
  /** Any table of this store's migrations (`sessionkit_refresh_leases`…), qualified like `table`. */
  qualify(name: string): string;
  /** Writes `text` as the `data` of a row under `id`, past the store's checks (live for an hour unless `expiresAt` says otherwise). */
  plant(id: string, text: string, expiresAt?: number): Promise<void>;
  /** How many rows the table holds, expired or not. */
  countRows(): Promise<number>;
  destroy(): Promise<void>;
}

/** A database server (or file directory) that hands out isolated stores. */
export interface TestDatabase {
  dialect: Dialect;
  createContext(): Promise<StoreContext>;
  /** Takes the server down and up again; absent where there is no server (SQLite). */
  outage?: { stop(): Promise<void>; start(): Promise<void> } | undefined;
  close(): Promise<void>;
}

const migrationsDir = (dialect: Dialect) =>
  new URL(`../../prisma/migrations/${dialect}/`, import.meta.url);

/** The migration folders shipped for a dialect, oldest first (Prisma's `<timestamp>_<name>`). */
export async function migrationNames(dialect: Dialect): Promise<string[]> {
  return (await readdir(migrationsDir(dialect))).filter((name) => /^\d+_/.test(name)).sort();
}

/**
 * Every shipped migration for a dialect, oldest first, as one script: the tests apply exactly
 * what users apply, in the same order.
 */
export async function readMigration(dialect: Dialect): Promise<string> {
  const names = await migrationNames(dialect);
  const scripts = await Promise.all(
    names.map((name) => readFile(new URL(`${name}/migration.sql`, migrationsDir(dialect)), "utf8")),
  );
  return scripts.join(";\n");
}

/** SQL statements of a migration, one by one (drivers differ on multi-statement support). */
export function statements(sql: string): string[] {
  return sql
    .split(";")
    .map((statement) =>
      statement
        .split("\n")
        .filter((line) => !line.trimStart().startsWith("--"))
        .join("\n")
        .trim(),
    )
    .filter(Boolean);
}

/** A short random name for a schema, database or file. */
export const randomName = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

/** A far-future expiry for planted rows: one hour from now, in epoch milliseconds. */
export const inAnHour = () => Date.now() + 3_600_000;

/**
 * The raw-table helpers of a {@link StoreContext}, shared by every dialect:
 * `upsert` is the dialect's `INSERT … ON CONFLICT` with placeholders for
 * id, data, expires_at and created_at.
 */
export function rawTableAccess(
  prisma: TestPrismaClient,
  table: string,
  upsert: string,
): Pick<StoreContext, "plant" | "countRows"> {
  return {
    async plant(id, text, expiresAt = inAnHour()) {
      await prisma.$executeRawUnsafe(upsert, id, text, BigInt(expiresAt), BigInt(Date.now()));
    },
    async countRows() {
      const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM ${table}`,
      );
      return Number(row?.n);
    },
  };
}
