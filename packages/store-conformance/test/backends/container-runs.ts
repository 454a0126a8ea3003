import type { BackendSource, StartBackendOptions } from "../../src/backends/index.js";

/**
 * Whether this run starts real containers: `scripts/test.sh` sets
 * SESSIONKIT_CONTAINER_TESTS=1 once Docker answers and the local images are built
 * (and points SESSIONKIT_*_IMAGE at them). Without it the container cases are not
 * collected, and test.sh says in one line why they could not run.
 */
export const containerRuns = process.env.SESSIONKIT_CONTAINER_TESTS === "1";

/** Each backend test runs with the default sources, and again in a container when those runs are on. */
export const sourcesUnderTest: [string, StartBackendOptions][] = [
  ["default sources", {}],
  ...(containerRuns
    ? [
        ["testcontainers", { sources: ["testcontainers"] as BackendSource[] }] as [
          string,
          StartBackendOptions,
        ],
      ]
    : []),
];
