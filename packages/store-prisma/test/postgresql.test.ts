import { postgresDatabase } from "./support/postgresql.js";
import { testPrismaStoreBehaviour } from "./support/store-behaviour.js";

const open = () => postgresDatabase({ url: "postgres://postgres@127.0.0.1:5432/test" });

testPrismaStoreBehaviour(open);
