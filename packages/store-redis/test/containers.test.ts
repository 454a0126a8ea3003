// The conformance suite once more, on Redis in a Testcontainers container (standalone and
// Cluster), beside the local-binary runs of standalone.test.ts and cluster.test.ts.
// scripts/test.sh turns this on (SESSIONKIT_CONTAINER_TESTS=1) once Docker answers and the
// images are built; a failing container fails these tests, it never skips them.
import {
  type RedisBackend,
  type RedisClusterBackend,
  startRedis,
  startRedisCluster,
} from "@sessionkit/store-conformance/backends";
import { afterAll, beforeAll, describe } from "vitest";
import { describeConformance } from "./conformance.js";
import { clusterTarget, standaloneTarget, type Target } from "./support.js";

describe("standalone, in a container", () => {
  let backend: RedisBackend;
  let target: Target;
  beforeAll(async () => {
    backend = await startRedis({ sources: ["testcontainers"] });
    target = standaloneTarget(backend.host, backend.port);
  });
  afterAll(() => backend?.close());
  describeConformance(
    "standalone, testcontainers",
    () => target,
    () => backend,
  );
});

describe("cluster, in a container", () => {
  let backend: RedisClusterBackend;
  let target: Target;
  beforeAll(async () => {
    backend = await startRedisCluster({ sources: ["testcontainers"] });
    target = clusterTarget(backend.nodes);
  });
  afterAll(() => backend?.close());
  describeConformance(
    "cluster, testcontainers",
    () => target,
    () => backend,
  );
});
