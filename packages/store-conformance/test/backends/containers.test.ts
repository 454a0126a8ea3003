import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinary } from "../../src/backends/binaries.js";
import {
  containerLabels,
  detectContainerRuntime,
  startContainer,
  startContainerWatchdog,
} from "../../src/backends/container-runtime.js";
import { backendImage, type RedisBackend, startRedis } from "../../src/backends/index.js";
import { redisReady } from "../../src/backends/probes.js";
import { waitUntil } from "../../src/backends/wait-until.js";
import { containerRuns } from "./container-runs.js";

type Runtime = NonNullable<Awaited<ReturnType<typeof detectContainerRuntime>>>;

// Real containers, on the images scripts/test.sh built (or pulled ones elsewhere).
describe.runIf(containerRuns)("backends in real containers", () => {
  let testcontainers: Runtime;
  const containersOf = async (pid: number) => {
    const runtime = await testcontainers.getContainerRuntimeClient();
    return runtime.container.dockerode.listContainers({
      all: true,
      filters: { label: [`${containerLabels.pid}=${pid}`] },
    });
  };
  beforeAll(async () => {
    const found = await detectContainerRuntime();
    if (!found) throw new Error("SESSIONKIT_CONTAINER_TESTS=1 but no container runtime answers");
    testcontainers = found;
  });

  describe("a container that gives a backend", () => {
    let backend: RedisBackend;
    beforeAll(async () => {
      backend = await startRedis({ sources: ["testcontainers"] });
    });
    afterAll(() => backend?.close());

    it("is published on 127.0.0.1 only and labelled with its kind, its process and its run", async () => {
      expect(backend.source).toBe("testcontainers");
      const [info, ...others] = await containersOf(process.pid);
      expect(others).toEqual([]);
      expect(info?.Image).toBe(backendImage("redis"));
      expect(info?.Labels).toMatchObject({
        [containerLabels.backend]: "redis",
        [containerLabels.pid]: String(process.pid),
        [containerLabels.run]: process.env.SESSIONKIT_CONTAINER_RUN ?? "",
      });
      const published = info?.Ports.filter((port) => port.PublicPort) ?? [];
      expect(published.map((port) => [port.IP, port.PublicPort])).toEqual([
        ["127.0.0.1", backend.port],
      ]);
    });

    it("is removed by close()", async () => {
      await backend.close();
      expect(await containersOf(process.pid)).toEqual([]);
      await expect(redisReady(backend.host, backend.port)).rejects.toThrow();
    });
  });

  it("a refused pull: the next source serves, and one line says why", async () => {
    const lines: string[] = [];
    const backend = await startRedis({
      sources: ["testcontainers", "local"],
      image: "registry.invalid/sessionkit/redis:0",
      onSourceFailed: (line) => lines.push(line),
    });
    try {
      expect(backend.source).toBe("local");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^Redis: source testcontainers failed, trying local: Redis container \(registry\.invalid\/sessionkit\/redis:0\) did not start: /,
      );
    } finally {
      await backend.close();
    }
  }, 120_000);

  it("a container that exits fails at once with its last lines, and is removed", async () => {
    const error = await startContainer(testcontainers, {
      kind: "redis",
      image: backendImage("redis"),
      ports: [6379],
      command: ["sh", "-c", "echo 'FATAL: bad config' >&2; exit 3"],
      ready: async () => false,
      timeout: 60_000,
    }).catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("the container exited (code 3): FATAL: bad config");
    expect(await containersOf(process.pid)).toEqual([]);
  }, 90_000);

  it("a container that never answers fails after the timeout, and is removed", async () => {
    const error = await startContainer(testcontainers, {
      kind: "redis",
      image: backendImage("redis"),
      ports: [6379],
      ready: async () => false,
      timeout: 1_500,
    }).catch((caught: unknown) => caught as Error);
    expect((error as Error).message).toMatch(/^not ready after 1500 ms/);
    expect(await containersOf(process.pid)).toEqual([]);
  }, 90_000);

  it("a watchdog removes the containers of a process that died without cleaning up", async () => {
    const owner = spawn("sleep", ["60"], { stdio: "ignore" });
    const ownerPid = owner.pid!;
    const runtime = await testcontainers.getContainerRuntimeClient();
    const container = await runtime.container.dockerode.createContainer({
      Image: backendImage("redis"),
      Labels: { [containerLabels.backend]: "redis", [containerLabels.pid]: String(ownerPid) },
    });
    await container.start();
    startContainerWatchdog(findBinary("docker") ?? "docker", ownerPid);
    expect(await containersOf(ownerPid)).toHaveLength(1);
    owner.kill("SIGKILL"); // as a crashed or SIGKILLed test worker would die
    await waitUntil(async () => (await containersOf(ownerPid)).length === 0, {
      timeout: 30_000,
      interval: 200,
    });
  }, 60_000);
});
