import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import * as mariadb from "mariadb";
import { prismaStore } from "../../src/index.js";
import { PrismaClient } from "../generated/mysql/client/client.js";
import {
  randomName,
  rawTableAccess,
  readMigration,
  type StoreContext,
  statements,
  type TestDatabase,
} from "./test-database.js";

/** Where the MySQL/MariaDB server is, and how to take it down for the outage tests. */
export interface MySqlTarget {
  host: string;
  port: number;
  user: string;
  password?: string;
  outage?: { stop(): Promise<void>; start(): Promise<void> } | undefined;
}

/** Each store gets its own database (the model's table name is fixed), dropped when it is destroyed. */
export async function mySqlDatabase(target: MySqlTarget): Promise<TestDatabase> {
  const migration = statements(await readMigration("mysql"));
  const connection = {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password ?? "",
    // Fail within a few seconds while the server is down (the connector's defaults wait 10 s),
    // yet let hundreds of parallel calls queue for a connection on a busy machine.
    connectTimeout: 1_000,
    acquireTimeout: 2_500,
  };
  const admin = mariadb.createPool({ ...connection, connectionLimit: 2, multipleStatements: true });

  return {
    dialect: "mysql",
    outage: target.outage,
    async createContext(): Promise<StoreContext<PrismaClient>> {
      const database = randomName("sk");
      await admin.query(`CREATE DATABASE \`${database}\``);
      for (const statement of migration) await admin.query(`USE \`${database}\`; ${statement}`);
      const prisma = new PrismaClient({
        adapter: new PrismaMariaDb({ ...connection, database, connectionLimit: 10 }),
      });
      const qualify = (name: string) => `\`${database}\`.\`${name}\``;
      const table = qualify("sessionkit_sessions");
      return {
        store: prismaStore(prisma),
        prisma,
        table,
        qualify,
        ...rawTableAccess(
          prisma,
          table,
          `INSERT INTO ${table} (id, data, iss, sid, sub, expires_at, created_at)
             VALUES (?, ?, 'https://planted.example', NULL, 'planted', ?, ?)
             ON DUPLICATE KEY UPDATE data = VALUES(data), expires_at = VALUES(expires_at)`,
        ),
        async destroy() {
          await prisma.$disconnect();
          await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
        },
      };
    },
    async close() {
      await admin.end();
    },
  };
}
