import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PrismaLibSql } from "@prisma/adapter-libsql";
import { prismaStore } from "../../src/index.js";
import { PrismaClient } from "../generated/sqlite/client/client.js";
import {
  rawTableAccess,
  readMigration,
  type StoreContext,
  statements,
  type TestDatabase,
} from "./test-database.js";

/** Each store gets its own database file in a temp directory, removed on close. */
export async function sqliteDatabase() {
  const migration = statements(await readMigration("sqlite"));
  const dir = await mkdtemp(join(tmpdir(), "sessionkit-prisma-"));
  let files = 0;

  return {
    dialect: "sqlite",
    async createContext(): Promise<StoreContext<PrismaClient> & { url: string }> {
      const file = join(dir, `sessions-${++files}.db`);
      const url = `file:${file}`;
      const prisma = new PrismaClient({ adapter: new PrismaLibSql({ url }) });
      // Throwaway files: no fsync per commit (like the PostgreSQL test server's fsync=off).
      await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
      await prisma.$executeRawUnsafe("PRAGMA synchronous = OFF");
      for (const statement of migration) await prisma.$executeRawUnsafe(statement);
      const qualify = (name: string) => `"${name}"`;
      const table = qualify("sessionkit_sessions");
      return {
        store: prismaStore(prisma),
        prisma,
        qualify,
        /** The file's libSQL URL, for a second connection. */
        url,
        table,
        ...rawTableAccess(
          prisma,
          table,
          `INSERT INTO ${table} (id, data, iss, sid, sub, expires_at, created_at)
             VALUES (?, ?, 'https://planted.example', NULL, 'planted', ?, ?)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
        ),
        async destroy() {
          await prisma.$disconnect();
          await rm(file, { force: true });
        },
      };
    },
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  } satisfies TestDatabase;
}
