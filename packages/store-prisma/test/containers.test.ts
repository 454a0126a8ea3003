// The conformance suite once more, on PostgreSQL and MariaDB in Testcontainers containers,
// beside the local-binary runs of postgresql.test.ts and mysql.test.ts. scripts/test.sh
// turns this on (SESSIONKIT_CONTAINER_TESTS=1) once Docker answers and the images are
// built; a failing container fails these tests, it never skips them.
import { testSessionStore } from "@sessionkit/store-conformance";
import { startMySql, startPostgres } from "@sessionkit/store-conformance/backends";
import { afterAll } from "vitest";
import { conformanceOptions } from "./support/conformance.js";
import { mySqlDatabase } from "./support/mysql.js";
import { postgresDatabase } from "./support/postgresql.js";

const [postgres, mariadb] = await Promise.all([
  startPostgres({ sources: ["testcontainers"] }),
  startMySql({ sources: ["testcontainers"] }),
]);
const postgresql = await postgresDatabase({ url: postgres.url, outage: postgres });
const mysql = await mySqlDatabase({
  host: mariadb.host,
  port: mariadb.port,
  user: mariadb.user,
  password: mariadb.password,
  outage: mariadb,
});
afterAll(async () => {
  await Promise.all([postgresql.close(), mysql.close()]);
  await Promise.all([postgres.close(), mariadb.close()]);
});

testSessionStore(conformanceOptions("prismaStore (PostgreSQL, testcontainers)", postgresql));
testSessionStore(conformanceOptions("prismaStore (MariaDB, testcontainers)", mysql));
