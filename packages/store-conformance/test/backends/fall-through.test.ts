import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { detectContainerRuntime } from "../../src/backends/container-runtime.js";
import {
  type BackendHandle,
  type BackendSource,
  backendImageEnvVars,
  backendImages,
} from "../../src/backends/index.js";
import { type BackendRecipe, resolveBackend } from "../../src/backends/resolve-backend.js";

// Each source failing, without Docker or servers: the recipe's steps stand in for them.
// (containers.test.ts makes a real container fail in each way when Docker runs.)

type Runtime = NonNullable<Awaited<ReturnType<typeof detectContainerRuntime>>>;
const aRuntime = async () => ({}) as Runtime;
const noRuntime = async () => undefined;

const handle = (source: BackendSource): BackendHandle => ({
  source,
  canRestart: true,
  stop: async () => {},
  start: async () => {},
  close: async () => {},
});

const pullRefused =
  '(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host';

const recipe = (
  steps: Partial<BackendRecipe<BackendHandle>> = {},
): BackendRecipe<BackendHandle> => ({
  label: "Demo",
  envVar: "SESSIONKIT_DEMO_URL",
  image: "redis",
  fromEnv: () => ({ ready: async () => false }),
  fromContainer: () => Promise.reject(new Error(pullRefused)),
  localMissing: () => undefined,
  fromLocal: async () => handle("local"),
  ...steps,
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as Error & { code: string },
  );

// A run may choose images and sources (scripts/test.sh does): these tests set them themselves.
const runEnv = ["SESSIONKIT_REDIS_IMAGE", "SESSIONKIT_BACKEND_SOURCES"].map(
  (name) => [name, process.env[name]] as const,
);
beforeEach(() => {
  for (const [name] of runEnv) delete process.env[name];
});
afterEach(() => {
  delete process.env.SESSIONKIT_DEMO_URL;
  for (const [name, value] of runEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.restoreAllMocks();
});

describe("a source that fails gives way to the next", () => {
  it("an env URL that never answers: the next source serves, and one line says why", async () => {
    process.env.SESSIONKIT_DEMO_URL = "demo://127.0.0.1:1";
    const lines: string[] = [];
    const backend = await resolveBackend(
      recipe(),
      { sources: ["env", "local"], timeout: 200, onSourceFailed: (line) => lines.push(line) },
      noRuntime,
    );
    expect(backend.source).toBe("local");
    expect(lines).toEqual([
      "Demo: source env failed, trying local: Demo from SESSIONKIT_DEMO_URL does not answer: not ready after 200 ms",
    ]);
  });

  it.each([
    ["a refused pull", pullRefused],
    ["a container that exited", "the container exited (code 3): redis-server: bad option"],
    ["a container that never answered", "not ready after 60000 ms"],
  ])(
    "a container that fails (%s): the local binary serves, and one line says why",
    async (_, cause) => {
      const lines: string[] = [];
      const backend = await resolveBackend(
        recipe({ fromContainer: () => Promise.reject(new Error(cause)) }),
        { sources: ["testcontainers", "local"], onSourceFailed: (line) => lines.push(line) },
        aRuntime,
      );
      expect(backend.source).toBe("local");
      expect(lines).toEqual([
        `Demo: source testcontainers failed, trying local: Demo container (${backendImages.redis}) did not start: ${cause}`,
      ]);
    },
  );

  it("a local server that fails: an earlier source that serves is never asked again, a later one is tried", async () => {
    const lines: string[] = [];
    const container = vi.fn(async () => handle("testcontainers"));
    const backend = await resolveBackend(
      recipe({
        fromLocal: () => Promise.reject(new Error("redis-server exited (code 1)")),
        fromContainer: container,
      }),
      { sources: ["local", "testcontainers"], onSourceFailed: (line) => lines.push(line) },
      aRuntime,
    );
    expect(backend.source).toBe("testcontainers");
    expect(container).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      "Demo: source local failed, trying testcontainers: local Demo did not start: redis-server exited (code 1)",
    ]);
  });

  it("when every source fails, the error lists each and why, on one line", async () => {
    process.env.SESSIONKIT_DEMO_URL = "demo://127.0.0.1:1";
    const lines: string[] = [];
    const error = await failure(
      resolveBackend(
        recipe({
          fromLocal: () => Promise.reject(new Error("exited (code 1):\n  FATAL: bad\n")),
        }),
        { timeout: 200, onSourceFailed: (line) => lines.push(line) },
        aRuntime,
      ),
    );
    expect(error.code).toBe("BACKEND_START_FAILED");
    expect(error.message).toBe(
      "no Demo for tests: " +
        "env failed: Demo from SESSIONKIT_DEMO_URL does not answer: not ready after 200 ms; " +
        `testcontainers failed: Demo container (${backendImages.redis}) did not start: ${pullRefused}; ` +
        "local failed: local Demo did not start: exited (code 1): | FATAL: bad",
    );
    expect(lines).toHaveLength(2); // the last source has no next one to announce
    expect(error.cause).toBeInstanceOf(AggregateError);
  });

  it("tells sources that are not set up apart from sources that failed", async () => {
    const error = await failure(
      resolveBackend(
        recipe({ fromLocal: () => Promise.reject(new Error("port taken")) }),
        { onSourceFailed: () => {} },
        noRuntime,
      ),
    );
    expect(error.code).toBe("BACKEND_START_FAILED");
    expect(error.message).toBe(
      "no Demo for tests: env: set SESSIONKIT_DEMO_URL; " +
        "testcontainers: run Docker/Podman with the testcontainers package installed; " +
        "local failed: local Demo did not start: port taken",
    );
  });

  it("says it on the console by default", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await resolveBackend(recipe(), { sources: ["testcontainers", "local"] }, aRuntime);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/^Demo: source testcontainers failed, trying local: /);
  });

  it("cuts a runtime's long answer short, so the line stays readable", async () => {
    const lines: string[] = [];
    await resolveBackend(
      recipe({ fromContainer: () => Promise.reject(new Error("x".repeat(5_000))) }),
      { sources: ["testcontainers", "local"], onSourceFailed: (line) => lines.push(line) },
      aRuntime,
    );
    expect(lines[0]!.length).toBeLessThan(600);
    expect(lines[0]).toMatch(/x…$/);
  });
});

describe("the container's image", () => {
  const imageOf = async (options: { image?: string } = {}) => {
    let used: string | undefined;
    await resolveBackend(
      recipe({
        fromContainer: async (_runtime, _timeout, image) => {
          used = image;
          return handle("testcontainers");
        },
      }),
      { sources: ["testcontainers"], ...options },
      aRuntime,
    );
    return used;
  };

  it("is the pinned official one by default", async () => {
    expect(await imageOf()).toBe(backendImages.redis);
  });

  it("is replaced by SESSIONKIT_<BACKEND>_IMAGE, and by the image option above both", async () => {
    expect(backendImageEnvVars.redis).toBe("SESSIONKIT_REDIS_IMAGE");
    process.env.SESSIONKIT_REDIS_IMAGE = "mirror.example/redis:7.4.2-alpine";
    expect(await imageOf()).toBe("mirror.example/redis:7.4.2-alpine");
    expect(await imageOf({ image: "sessionkit/redis:bookworm" })).toBe("sessionkit/redis:bookworm");
  });
});
