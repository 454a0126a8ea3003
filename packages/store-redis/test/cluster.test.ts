import {
  type RedisClusterBackend,
  startRedisCluster,
} from "@sessionkit/store-conformance/backends";
import { afterAll, beforeAll } from "vitest";
import { describeBehaviour } from "./behaviour.js";
import { describeConformance } from "./conformance.js";
import { describeFaults } from "./faults.js";
import { describeRoundTrips } from "./round-trips.js";
import { clusterTarget, type Target } from "./support.js";

let backend: RedisClusterBackend;
let target: Target;

beforeAll(async () => {
  backend = await startRedisCluster();
  target = clusterTarget(backend.nodes);
});
afterAll(() => backend?.close());

describeConformance(
  "cluster",
  () => target,
  () => backend,
);
describeBehaviour(() => target);
describeRoundTrips(() => target);
describeFaults(
  () => target,
  () => backend,
);
