import { defineSessionkitProject } from "../../vitest.shared.ts";

// `pnpm test:faults`: issue 21's fault harness (a 6-node Cluster of local redis-server
// binaries, minutes long), kept out of npm test, whose projects read vitest.config.ts only.
export default defineSessionkitProject("@sessionkit/store-redis faults", {
  test: { include: ["faults/**/*.fault.ts"], fileParallelism: false },
});
