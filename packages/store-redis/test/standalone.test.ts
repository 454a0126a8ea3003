import { startRedis } from "@sessionkit/store-conformance/backends";
import { describeAllGroups } from "./all-groups.js";
import { standaloneTarget } from "./support.js";

describeAllGroups("standalone", startRedis, (backend) =>
  standaloneTarget(backend.host, backend.port),
);
