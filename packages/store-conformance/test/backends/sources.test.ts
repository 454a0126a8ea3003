import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectContainerRuntime } from "../../src/backends/container-runtime.js";
import {
  BackendError,
  type BackendHandle,
  type BackendSource,
  type RedisBackend,
  startRedis,
} from "../../src/backends/index.js";
import { redisReady } from "../../src/backends/probes.js";
import { resolveBackend } from "../../src/backends/resolve-backend.js";

const withEnv = async <T>(vars: Record<string, string | undefined>, run: () => Promise<T>) => {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  try {
    return await run();
  } finally {
    apply(saved);
  }
};

describe("backend sources", () => {
  let local: RedisBackend;
  beforeAll(async () => {
    local = await startRedis({ sources: ["local"] });
  });
  afterAll(() => local?.close());

  it("detects a container runtime (or its absence) within seconds, and remembers one it found", async () => {
    // Loading the module is not the check being timed (seconds on a busy machine).
    await import("testcontainers");
    const started = performance.now();
    const runtime = await detectContainerRuntime();
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await detectContainerRuntime()).toBe(runtime);
  });

  // With a container runtime this starts a real container, or falls through when it cannot.
  it("takes Testcontainers when it gives a server, else falls through to a local binary", async () => {
    const lines: string[] = [];
    const backend = await withEnv({ REDIS_URL: undefined }, () =>
      startRedis({
        sources: ["env", "testcontainers", "local"],
        onSourceFailed: (line) => lines.push(line),
      }),
    );
    try {
      expect(await redisReady(backend.host, backend.port)).toBe(true);
      if (backend.source === "local") {
        // Either no runtime answers (then nothing failed) or the container failed, said in one line.
        const runtime = await detectContainerRuntime();
        expect(lines).toHaveLength(runtime ? 1 : 0);
        for (const line of lines)
          expect(line).toMatch(/^Redis: source testcontainers failed, trying local: /);
      } else {
        expect(backend.source).toBe("testcontainers");
        expect(lines).toEqual([]);
      }
    } finally {
      await backend.close();
    }
  }, 180_000);

  it("takes an env URL first, and refuses to stop a server it does not own", async () => {
    const backend = await withEnv({ REDIS_URL: local.url }, () => startRedis());
    expect(backend).toMatchObject({ source: "env", canRestart: false, port: local.port });
    expect(Object.keys(backend).sort()).toEqual([
      "canRestart",
      "close",
      "host",
      "port",
      "source",
      "start",
      "stop",
      "url",
    ]);
    await expect(backend.stop()).rejects.toMatchObject({ code: "BACKEND_NOT_RESTARTABLE" });
    await backend.close();
    expect(await redisReady(local.host, local.port)).toBe(true);
  });

  it("fails in one line when an env URL does not answer", async () => {
    const error = await withEnv({ REDIS_URL: "redis://127.0.0.1:1" }, () =>
      startRedis({ sources: ["env"], timeout: 300 }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: "BACKEND_START_FAILED" });
    expect((error as Error).message).toMatch(/REDIS_URL/);
    expect((error as Error).message).not.toMatch(/\n/);
  });

  it("keeps the message on one line when the server's own error spans many", async () => {
    const error = await resolveBackend<BackendHandle>(
      {
        label: "Demo",
        envVar: "SESSIONKIT_DEMO_URL",
        fromEnv: () => ({ ready: async () => false }),
        fromContainer: () => Promise.reject(new Error("unused")),
        localMissing: () => undefined,
        fromLocal: () =>
          Promise.reject(new Error("exited (code 1):\n  FATAL: bad\n  HINT: fix it\n")),
      },
      { sources: ["local"] },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "BACKEND_START_FAILED" });
    expect((error as Error).message).toBe(
      "local Demo did not start: exited (code 1): | FATAL: bad | HINT: fix it",
    );
  });

  it("fails in one line saying what to set when no source has the backend", async () => {
    const error = await withEnv({ REDIS_URL: undefined }, () =>
      startRedis({ sources: ["env"] }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "BACKEND_NOT_FOUND" });
    expect((error as Error).message).toBe("no Redis for tests: env: set REDIS_URL");
  });

  it("reads the sources from SESSIONKIT_BACKEND_SOURCES and rejects unknown ones", async () => {
    const error = await withEnv({ SESSIONKIT_BACKEND_SOURCES: "local,cloud" }, () =>
      startRedis(),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "BACKEND_NOT_FOUND" });
    expect((error as Error).message).toMatch(/unknown source "cloud"/);
  });

  it("names a bad `sources` option instead of trying nothing", async () => {
    const bad = ["docker"] as unknown as BackendSource[];
    await expect(startRedis({ sources: bad })).rejects.toMatchObject({
      code: "BACKEND_NOT_FOUND",
      message: '`sources`: unknown source "docker" (use env, testcontainers, local)',
    });
    await expect(startRedis({ sources: [] })).rejects.toMatchObject({
      message: "`sources`: no source (use env, testcontainers, local)",
    });
  });

  it("close() is idempotent and takes the server down", async () => {
    const backend = await startRedis({ sources: ["local"] });
    await backend.close();
    await backend.close();
    await expect(redisReady(backend.host, backend.port)).rejects.toThrow();
  });
});
