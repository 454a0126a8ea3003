import { findBinary } from "./binaries.js";
import { startContainer } from "./container-runtime.js";
import { freePort } from "./free-port.js";
import { createLocalWorkspace } from "./local-server.js";
import { retryOnPortRace, startLocalServer } from "./local-start.js";
import { redisReady } from "./probes.js";
import { resolveBackend } from "./resolve-backend.js";
import type { RedisBackend, StartBackendOptions } from "./types.js";

/** Options of {@link startRedis}. */
export type StartRedisOptions = StartBackendOptions;

const redisUrl = (host: string, port: number) => `redis://${host}:${port}`;

/** Arguments of a local redis-server that keeps its data across stop()/start(). */
export const localRedisArgs = (port: number, dir: string) => [
  "--port",
  String(port),
  "--bind",
  "127.0.0.1",
  "--dir",
  dir,
  "--save",
  "3600 1", // a SIGTERM then writes the data, so a restart keeps it
  "--appendonly",
  "no",
  "--protected-mode",
  "no",
  "--daemonize",
  "no",
];

/**
 * A Redis server for tests: `REDIS_URL`, else a Testcontainers container, else
 * `redis-server` on a free port in a temp dir.
 */
export function startRedis(options?: StartRedisOptions): Promise<RedisBackend> {
  return resolveBackend<RedisBackend>(
    {
      label: "Redis",
      image: "redis",
      envVar: "REDIS_URL",
      fromEnv(value) {
        const url = new URL(value);
        const host = url.hostname;
        const port = Number(url.port || 6379);
        return { ready: () => redisReady(host, port), url: value, host, port };
      },
      async fromContainer(testcontainers, timeout, image) {
        const container = await startContainer(testcontainers, {
          kind: "redis",
          image,
          ports: [6379],
          ready: (host, [port]) => redisReady(host, port!),
          timeout,
        });
        const [port] = container.ports as [number];
        return {
          ...container.handle,
          url: redisUrl(container.host, port),
          host: container.host,
          port,
        };
      },
      localMissing: () =>
        findBinary("redis-server") ? undefined : "install redis-server (apt install redis-server)",
      fromLocal: (timeout) =>
        retryOnPortRace(async () => {
          const binary = findBinary("redis-server")!;
          const workspace = createLocalWorkspace("redis");
          const port = await freePort();
          const server = await startLocalServer(
            workspace,
            "redis",
            { command: binary, args: localRedisArgs(port, workspace.dir) },
            () => redisReady("127.0.0.1", port),
            timeout,
          );
          return {
            ...server,
            url: redisUrl("127.0.0.1", port),
            host: "127.0.0.1",
            port,
          };
        }),
    },
    options,
  );
}
