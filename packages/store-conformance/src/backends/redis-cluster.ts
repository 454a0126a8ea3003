import { mkdirSync } from "node:fs";
import { findBinary } from "./binaries.js";
import { startContainer } from "./container-runtime.js";
import { freePort } from "./free-port.js";
import { createLocalWorkspace, type ServerProcess } from "./local-server.js";
import { retryOnPortRace, runUntilReady } from "./local-start.js";
import { redisClusterReady, redisCommand, redisReady } from "./probes.js";
import { localRedisArgs } from "./redis.js";
import { resolveBackend } from "./resolve-backend.js";
import type { RedisClusterBackend, StartBackendOptions } from "./types.js";
import { waitUntil } from "./wait-until.js";

/** Options of {@link startRedisCluster}. */
export type StartRedisClusterOptions = StartBackendOptions;

type Node = { host: string; port: number };

const clusterArgs = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"];
const slotCount = 16_384;

/** Splits the hash slots between three fresh masters and introduces them to each other. */
async function formCluster(nodes: Node[]): Promise<void> {
  const first = nodes[0]!;
  // A node that already knows its peers (restarted from nodes.conf) needs nothing.
  const known = await redisCommand(first.host, first.port, ["CLUSTER", "INFO"]);
  if (/cluster_known_nodes:3\b/.test(known)) return;
  const share = Math.ceil(slotCount / nodes.length);
  await Promise.all(
    nodes.map(async (node, i) => {
      // Distinct epochs up front spare the cluster an epoch-collision round.
      await redisCommand(node.host, node.port, ["CLUSTER", "SET-CONFIG-EPOCH", String(i + 1)]);
      const slots: string[] = [];
      for (let slot = i * share; slot < Math.min(slotCount, (i + 1) * share); slot++) {
        slots.push(String(slot));
      }
      await redisCommand(node.host, node.port, ["CLUSTER", "ADDSLOTS", ...slots]);
    }),
  );
  for (const node of nodes.slice(1)) {
    // The nodes talk to each other on the address they listen on (127.0.0.1 or inside a container).
    await redisCommand(first.host, first.port, ["CLUSTER", "MEET", "127.0.0.1", String(node.port)]);
  }
}

const allReady = (nodes: Node[]) => async () => {
  const answers = await Promise.all(nodes.map((node) => redisClusterReady(node.host, node.port)));
  return answers.every(Boolean);
};

/**
 * A Redis Cluster of three masters for tests: `REDIS_CLUSTER_NODES`
 * (`host:port,host:port,…`), else one Testcontainers container running three
 * nodes, else three local `redis-server --cluster-enabled yes` in a temp dir.
 */
export function startRedisCluster(
  options?: StartRedisClusterOptions,
): Promise<RedisClusterBackend> {
  return resolveBackend<RedisClusterBackend>(
    {
      label: "Redis Cluster",
      image: "redis",
      envVar: "REDIS_CLUSTER_NODES",
      fromEnv(value) {
        const nodes = value.split(",").map((entry) => {
          const [host, port] = entry.trim().split(/:(?=\d+$)/);
          if (!host || !port) throw new Error(`"${entry}" is not host:port`);
          return { host, port: Number(port) };
        });
        return { ready: allReady(nodes), nodes };
      },
      async fromContainer(testcontainers, timeout, image) {
        // One container, three nodes on the port numbers published outside, so the
        // addresses the cluster announces work from the host as well.
        const node = (i: number) =>
          `mkdir -p /data/{port${i}} && redis-server --port {port${i}} --dir /data/{port${i}} ` +
          `${clusterArgs.join(" ")} --daemonize yes --protected-mode no`;
        const container = await startContainer(testcontainers, {
          kind: "redis-cluster",
          image,
          ports: [7000, 7001, 7002],
          samePorts: true,
          // A stop (SIGTERM) shuts each node down cleanly, so its data survives a restart.
          command: [
            "sh",
            "-c",
            `${node(0)} && ${node(1)} && ${node(2)} && ` +
              "trap 'for port in {port0} {port1} {port2}; do redis-cli -p $port shutdown; done; exit 0' TERM INT; " +
              "sleep infinity & wait",
          ],
          ready: async (host, ports) =>
            (await Promise.all(ports.map((port) => redisReady(host, port)))).every(Boolean),
          async afterStart(host, ports) {
            const nodes = ports.map((port) => ({ host, port }));
            await formCluster(nodes);
            await waitUntil(allReady(nodes), { timeout, interval: 100 });
          },
          timeout,
        });
        return {
          ...container.handle,
          nodes: container.ports.map((port) => ({ host: container.host, port })),
        };
      },
      localMissing: () =>
        findBinary("redis-server") ? undefined : "install redis-server (apt install redis-server)",
      fromLocal: (timeout) =>
        retryOnPortRace(async () => {
          const binary = findBinary("redis-server")!;
          const workspace = createLocalWorkspace("redis-cluster");
          const ports = await Promise.all([freePort(), freePort(), freePort()]);
          const nodes = ports.map((port) => ({ host: "127.0.0.1", port }));
          let servers: ServerProcess[] = [];
          const run = async () => {
            servers = await Promise.all(
              ports.map((port) => {
                const dir = `${workspace.dir}/${port}`;
                mkdirSync(dir, { recursive: true });
                return runUntilReady(
                  workspace,
                  `node-${port}`,
                  {
                    command: binary,
                    args: [
                      ...localRedisArgs(port, dir),
                      ...clusterArgs,
                      "--cluster-node-timeout",
                      "2000",
                    ],
                  },
                  () => redisReady("127.0.0.1", port),
                  timeout,
                );
              }),
            );
            await formCluster(nodes);
            await waitUntil(allReady(nodes), { timeout, interval: 50 });
          };
          try {
            await run();
          } catch (error) {
            await workspace.close();
            throw error;
          }
          return {
            source: "local",
            canRestart: true,
            nodes,
            async stop() {
              await Promise.all(servers.map((server) => server.terminate("SIGTERM")));
            },
            async start() {
              if (servers.every((server) => !server.exitReason())) return;
              await Promise.all(servers.map((server) => server.terminate("SIGTERM")));
              await run();
            },
            close: () => workspace.close(),
          };
        }),
    },
    options,
  );
}
