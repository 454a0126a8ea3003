import type { BackendHandle } from "@sessionkit/store-conformance/backends";
import { afterAll, beforeAll } from "vitest";
import { describeBehaviour } from "./behaviour.js";
import { describeConformance } from "./conformance.js";
import { describeExtensions } from "./extensions.js";
import { describeFaults } from "./faults.js";
import { describeLateWrites } from "./late-writes.js";
import { describeListScaling, describeRoundTrips } from "./round-trips.js";
import type { Target } from "./support.js";

/** Every test group of this package against one Redis deployment, started once per file. */
export function describeAllGroups<B extends BackendHandle>(
  name: string,
  start: () => Promise<B>,
  targetOf: (backend: B) => Target,
) {
  let backend: B;
  let target: Target;
  beforeAll(async () => {
    backend = await start();
    target = targetOf(backend);
  });
  afterAll(() => backend?.close());

  describeConformance(
    name,
    () => target,
    () => backend,
  );
  describeBehaviour(() => target);
  describeExtensions(() => target);
  describeLateWrites(() => target);
  describeRoundTrips(() => target);
  // Standalone holds 100,000 others; the Cluster test servers are smaller (three masters).
  describeListScaling(() => target, name === "cluster" ? 10_000 : 100_000);
  describeFaults(
    () => target,
    () => backend,
  );
}
