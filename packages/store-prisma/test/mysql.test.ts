import { testSessionStore } from "@sessionkit/store-conformance";
import { startMySql } from "@sessionkit/store-conformance/backends";
import { afterAll } from "vitest";
import { conformanceOptions } from "./support/conformance.js";
import { mySqlDatabase } from "./support/mysql.js";
import { testReplayAndLease } from "./support/replay-and-lease.js";
import { testPrismaStoreBehaviour } from "./support/store-behaviour.js";
import { testTouchAndList } from "./support/touch-and-list.js";

const backend = await startMySql();
const database = await mySqlDatabase({
  host: backend.host,
  port: backend.port,
  user: backend.user,
  password: backend.password,
  outage: backend.canRestart ? backend : undefined,
});
afterAll(async () => {
  await database.close();
  await backend.close();
});

testPrismaStoreBehaviour(database);
testTouchAndList(database);
testReplayAndLease(database);
testSessionStore(conformanceOptions("prismaStore (MariaDB)", database));
