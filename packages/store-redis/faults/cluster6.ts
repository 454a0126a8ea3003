import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** One redis-server of the fault cluster. */
export interface ClusterNode {
  readonly port: number;
  readonly process: ChildProcess;
  /** The node's cluster id. */
  id: string;
  /** The TCP proxy that clients (and replicas) reach the node through, when proxied. */
  proxy?: Proxy;
}

/** A TCP proxy that can stop forwarding, in both directions, without closing anything. */
export interface Proxy {
  readonly port: number;
  stall(): void;
  resume(): void;
  close(): void;
}

async function startProxy(port: number, target: number): Promise<Proxy> {
  const pairs: [Socket, Socket][] = [];
  let stalled = false;
  const link = ([a, b]: [Socket, Socket]) => {
    a.pipe(b);
    b.pipe(a);
  };
  const unlink = ([a, b]: [Socket, Socket]) => {
    a.unpipe(b);
    b.unpipe(a);
    a.pause();
    b.pause();
  };
  const server = createServer((client) => {
    const upstream = connect(target, "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    for (const socket of pair) {
      socket.on("error", () => {});
      socket.on("close", () => {
        client.destroy();
        upstream.destroy();
        pairs.splice(pairs.indexOf(pair) >>> 0, 1);
      });
    }
    pairs.push(pair);
    if (stalled) unlink(pair);
    else link(pair);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    stall() {
      stalled = true;
      for (const pair of pairs) unlink(pair);
    },
    resume() {
      stalled = false;
      for (const pair of pairs) link(pair);
    },
    close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      server.close();
    },
  };
}

/** Six local redis-servers: three masters (nodes 0–2), each with one replica (nodes 3–5). */
export interface FaultCluster {
  readonly nodes: ClusterNode[];
  /** The masters' addresses: the app's seed nodes. */
  readonly seeds: { host: string; port: number }[];
  /** A short-lived connection to one node. */
  command(port: number, ...args: (string | number)[]): Promise<unknown>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function until(what: string, probe: () => Promise<boolean>, seconds = 60) {
  const deadline = Date.now() + seconds * 1_000;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // Not yet.
    }
    if (Date.now() > deadline)
      throw new Error(`fault cluster: not true after ${seconds} s: ${what}`);
    await sleep(100);
  }
}

/**
 * Starts the cluster the issue 21 measurements used: `cluster-node-timeout 2000`, no
 * persistence, the usual contiguous slot ranges, one replica per master; and
 * `cluster-require-full-coverage no` (FAULTS_FULL_COVERAGE=yes for Redis's default).
 */
export async function startFaultCluster(
  options: { proxied?: boolean } = {},
): Promise<FaultCluster> {
  const dir = mkdtempSync(join(tmpdir(), "sessionkit-faults-"));
  const ports: number[] = [];
  // The cluster bus listens on port + 10000.
  while (ports.length < (options.proxied ? 12 : 6)) {
    const port = await freePort();
    if (!ports.includes(port) && port < 55_000) ports.push(port);
  }
  const proxyPorts = ports.splice(6);
  const fullCoverage = process.env.FAULTS_FULL_COVERAGE === "yes" ? "yes" : "no";
  const nodes: ClusterNode[] = ports.map((port, i) => {
    // Proxied: the node announces its proxy to clients and replicas; the bus stays direct,
    // so a stalled proxy is a client-side stall the cluster does not see (no failover).
    const announce = options.proxied
      ? [
          "--cluster-announce-port",
          `${proxyPorts[i]}`,
          "--cluster-announce-bus-port",
          `${port + 10_000}`,
        ]
      : [];
    const process = spawn(
      "redis-server",
      [
        "--port",
        `${port}`,
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--cluster-node-timeout",
        "2000",
        "--save",
        "",
        "--appendonly",
        "no",
        "--protected-mode",
        "no",
        // As the README recommends for sessions (each lives on one shard): with Redis's
        // default, every master answers CLUSTERDOWN from the moment a master is marked failed
        // until its replica is promoted (about 3 s here), healthy shards included.
        "--cluster-require-full-coverage",
        fullCoverage,
        ...announce,
      ],
      { stdio: "ignore" },
    );
    return { port, process, id: "" };
  });
  const command = async (port: number, ...args: (string | number)[]) => {
    const redis = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    redis.on("error", () => {});
    try {
      await redis.connect();
      return await redis.call(String(args[0]), ...args.slice(1).map(String));
    } finally {
      redis.disconnect();
    }
  };
  const close = async () => {
    for (const node of nodes) {
      node.proxy?.close();
      if (node.process.exitCode === null) {
        node.process.kill("SIGCONT");
        node.process.kill("SIGKILL");
      }
    }
    await sleep(100);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (options.proxied) {
      for (const [i, node] of nodes.entries())
        node.proxy = await startProxy(proxyPorts[i]!, node.port);
    }
    for (const node of nodes) {
      await until(
        `node ${node.port} answers`,
        async () => (await command(node.port, "PING")) === "PONG",
      );
      node.id = String(await command(node.port, "CLUSTER", "MYID"));
    }
    const share = Math.ceil(16_384 / 3);
    for (let i = 0; i < 3; i++) {
      const port = nodes[i]!.port;
      await command(port, "CLUSTER", "SET-CONFIG-EPOCH", i + 1);
      await command(
        port,
        "CLUSTER",
        "ADDSLOTSRANGE",
        i * share,
        Math.min(16_383, (i + 1) * share - 1),
      );
    }
    for (const node of nodes.slice(1)) {
      await command(nodes[0]!.port, "CLUSTER", "MEET", "127.0.0.1", node.port);
    }
    for (const node of nodes) {
      await until(`node ${node.port} knows all six`, async () =>
        /cluster_known_nodes:6\b/.test(String(await command(node.port, "CLUSTER", "INFO"))),
      );
    }
    for (let i = 3; i < 6; i++) {
      await command(nodes[i]!.port, "CLUSTER", "REPLICATE", nodes[i - 3]!.id);
    }
    for (let i = 0; i < 6; i++) {
      await until(`node ${nodes[i]!.port} is ok and replicating`, async () => {
        if (!/cluster_state:ok/.test(String(await command(nodes[i]!.port, "CLUSTER", "INFO")))) {
          return false;
        }
        const replication = String(await command(nodes[i]!.port, "INFO", "replication"));
        return i < 3
          ? /connected_slaves:1/.test(replication)
          : /master_link_status:up/.test(replication);
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    nodes,
    seeds: nodes
      .slice(0, 3)
      .map(({ port, proxy }) => ({ host: "127.0.0.1", port: proxy?.port ?? port })),
    command,
    close,
  };
}
