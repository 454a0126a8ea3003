import { startRedisCluster } from "@sessionkit/store-conformance/backends";
import { describeAllGroups } from "./all-groups.js";
import { clusterTarget } from "./support.js";

describeAllGroups("cluster", startRedisCluster, (backend) => clusterTarget(backend.nodes));
