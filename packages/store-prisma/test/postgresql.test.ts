import { testSessionStore } from "@sessionkit/store-conformance";
import { startPostgres } from "@sessionkit/store-conformance/backends";
import { afterAll } from "vitest";
import { conformanceOptions } from "./support/conformance.js";
import { testPostgresPlans } from "./support/postgres-plans.js";
import { postgresDatabase } from "./support/postgresql.js";
import { testReplayAndLease } from "./support/replay-and-lease.js";
import { testPrismaStoreBehaviour } from "./support/store-behaviour.js";
import { testTouchAndList } from "./support/touch-and-list.js";

const backend = await startPostgres();
const database = await postgresDatabase({
  url: backend.url,
  outage: backend.canRestart ? backend : undefined,
});
afterAll(async () => {
  await database.close();
  await backend.close();
});

testPrismaStoreBehaviour(database);
testTouchAndList(database);
testReplayAndLease(database);
testPostgresPlans(database);
testSessionStore(conformanceOptions("prismaStore (PostgreSQL)", database));
