import { mySqlDatabase } from "./support/mysql.js";
import { testPrismaStoreBehaviour } from "./support/store-behaviour.js";

const open = () => mySqlDatabase({ host: "127.0.0.1", port: 3306, user: "root" });

testPrismaStoreBehaviour(open);
