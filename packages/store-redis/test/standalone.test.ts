import { type RedisBackend, startRedis } from "@sessionkit/store-conformance/backends";
import { afterAll, beforeAll } from "vitest";
import { describeBehaviour } from "./behaviour.js";
import { describeConformance } from "./conformance.js";
import { describeFaults } from "./faults.js";
import { describeRoundTrips } from "./round-trips.js";
import { standaloneTarget, type Target } from "./support.js";

let backend: RedisBackend;
let target: Target;

beforeAll(async () => {
  backend = await startRedis();
  target = standaloneTarget(backend.host, backend.port);
});
afterAll(() => backend?.close());

describeConformance(
  "standalone",
  () => target,
  () => backend,
);
describeBehaviour(() => target);
describeRoundTrips(() => target);
describeFaults(
  () => target,
  () => backend,
);
