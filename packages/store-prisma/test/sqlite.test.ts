import { testSessionStore } from "@sessionkit/store-conformance";
import { afterAll } from "vitest";
import { conformanceOptions } from "./support/conformance.js";
import { sqliteDatabase } from "./support/sqlite.js";
import { testPrismaStoreBehaviour } from "./support/store-behaviour.js";

// libSQL in a file: no server, so no outage tests.
const database = await sqliteDatabase();
afterAll(() => database.close());

testPrismaStoreBehaviour(database);
testSessionStore(conformanceOptions("prismaStore (SQLite/libSQL)", database));
