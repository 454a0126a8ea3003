import { sqliteDatabase } from "./support/sqlite.js";
import { testPrismaStoreBehaviour } from "./support/store-behaviour.js";

testPrismaStoreBehaviour(sqliteDatabase);
