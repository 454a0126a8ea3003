import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { Cluster, Redis } from "ioredis";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { findBinary } from "../../src/backends/binaries.js";
import { containerLabels } from "../../src/backends/container-runtime.js";
import { freePort } from "../../src/backends/free-port.js";
import { waitUntil } from "../../src/backends/wait-until.js";
import { containerRuns } from "./container-runs.js";

const run = promisify(execFile);

interface Service {
  image: string;
  ports?: string[];
  command?: string | string[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  labels?: Record<string, string>;
  profiles?: string[];
}

/** Docker Compose: the plugin (`docker compose`) when present, else Debian's `docker-compose`. */
async function composeCommand(): Promise<string[]> {
  const docker = findBinary("docker");
  if (
    docker &&
    (await run(docker, ["compose", "version"]).then(
      () => true,
      () => false,
    ))
  ) {
    return [docker, "compose"];
  }
  const standalone = findBinary("docker-compose");
  if (standalone) return [standalone];
  throw new Error("no Docker Compose: install docker-compose (apt) or the compose plugin");
}

/**
 * docker/compose.yml as it is, except the host side of each published port: the
 * machine's own servers (and other runs) hold the default ones. Redis Cluster
 * listens inside on the ports it publishes, so its three numbers change everywhere.
 * Labels let the run's clean-up find the containers if this process dies.
 */
async function composeFileForTest(): Promise<{ file: string; ports: Record<string, number[]> }> {
  const source = readFileSync(new URL("../../../../docker/compose.yml", import.meta.url), "utf8");
  const compose = parse(source) as { services: Record<string, Service> };
  const ports: Record<string, number[]> = {};
  for (const [name, service] of Object.entries(compose.services)) {
    if (service.profiles) {
      delete compose.services[name]; // the demo is not a backend
      continue;
    }
    const mine = await Promise.all((service.ports ?? []).map(() => freePort()));
    ports[name] = mine;
    if (name === "redis-cluster") {
      let text = JSON.stringify({ command: service.command, healthcheck: service.healthcheck });
      ["7000", "7001", "7002"].forEach((port, i) => {
        text = text.replaceAll(port, String(mine[i]));
      });
      Object.assign(service, JSON.parse(text));
      service.ports = mine.map((port) => `127.0.0.1:${port}:${port}`);
    } else {
      service.ports = (service.ports ?? []).map((spec, i) =>
        spec.replace(/^127\.0\.0\.1:\d+:/, `127.0.0.1:${mine[i]}:`),
      );
    }
    service.labels = {
      ...service.labels,
      [containerLabels.backend]: `compose-${name}`,
      [containerLabels.pid]: String(process.pid),
      [containerLabels.run]: process.env.SESSIONKIT_CONTAINER_RUN ?? "",
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "sessionkit-compose-"));
  const file = join(dir, "compose.yml");
  writeFileSync(file, stringify(compose));
  return { file, ports };
}

const session = { user: { sub: "alice", name: "Zoë 🦊" }, internal: { iss: "https://op.example" } };

describe.runIf(containerRuns)("docker/compose.yml", () => {
  const project = `sessionkit-compose-${process.pid}`;
  let compose: (...args: string[]) => Promise<string>;
  let ports: Record<string, number[]>;
  let file: string;

  beforeAll(async () => {
    const [command, ...base] = await composeCommand();
    ({ file, ports } = await composeFileForTest());
    compose = async (...args) =>
      (await run(command!, [...base, "-p", project, "-f", file, ...args], { maxBuffer: 1 << 24 }))
        .stdout;
    await compose("up", "-d");
  }, 240_000);

  afterAll(async () => {
    await compose?.("down", "-v", "--timeout", "5").catch(() => {});
    if (file) rmSync(join(file, ".."), { recursive: true, force: true });
  }, 120_000);

  it("brings every backend service up healthy", async () => {
    const services = Object.keys(ports).sort();
    // Every container of the project, running or not, by service: a missing or exited one is named.
    const states = async () => {
      const { stdout } = await run("docker", [
        "ps",
        "-a",
        "--filter",
        `label=com.docker.compose.project=${project}`,
        "--format",
        '{{.Label "com.docker.compose.service"}} {{.State}} {{.Status}}',
      ]);
      return stdout.trim().split("\n").filter(Boolean).sort();
    };
    let last: string[] = [];
    await waitUntil(
      async () => {
        last = await states();
        return last.length === services.length && last.every((line) => line.endsWith("(healthy)"));
      },
      {
        timeout: 240_000,
        interval: 1_000,
        abort: () => last.find((line) => / (exited|dead)|\(unhealthy\)/.test(line)),
      },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; services: ${last.join(", ") || "none"}`);
    });
    expect(last.map((line) => line.split(" ")[0])).toEqual(services);
  }, 300_000);

  it("Redis: a session record round-trips", async () => {
    const redis = new Redis({ host: "127.0.0.1", port: ports.redis![0]!, lazyConnect: true });
    await redis.connect();
    try {
      await redis.set("compose:session", JSON.stringify(session), "EX", 60);
      expect(JSON.parse((await redis.get("compose:session"))!)).toEqual(session);
      expect(await redis.ttl("compose:session")).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it("Redis Cluster: records round-trip across its three masters", async () => {
    const nodes = ports["redis-cluster"]!.map((port) => ({ host: "127.0.0.1", port }));
    // The compose health check asks one node; on a busy machine the other two can take a
    // moment longer to agree that the cluster is ok. Wait for each (a CI run timed out here).
    for (const node of nodes) {
      await waitUntil(
        async () => {
          const redis = new Redis({ ...node, lazyConnect: true, maxRetriesPerRequest: 0 });
          redis.on("error", () => {});
          try {
            await redis.connect();
            return String(await redis.call("CLUSTER", "INFO")).includes("cluster_state:ok");
          } finally {
            redis.disconnect();
          }
        },
        { timeout: 60_000, interval: 250 },
      );
    }
    const cluster = new Cluster(nodes, { lazyConnect: true });
    await cluster.connect();
    try {
      const keys = Array.from({ length: 12 }, (_, i) => `compose:session:${i}`);
      for (const key of keys) await cluster.set(key, JSON.stringify(session), "EX", 60);
      const read = await Promise.all(keys.map((key) => cluster.get(key)));
      expect(read.map((value) => JSON.parse(value!))).toEqual(keys.map(() => session));
      expect(cluster.nodes("master")).toHaveLength(3);
    } finally {
      cluster.disconnect();
    }
  }, 120_000);

  it("PostgreSQL: a session row round-trips with the compose file's password", async () => {
    const client = new pg.Client({
      connectionString: `postgres://postgres:sessionkit@127.0.0.1:${ports.postgres![0]}/postgres`,
    });
    await client.connect();
    try {
      await client.query("CREATE TABLE sessions (id text PRIMARY KEY, data jsonb NOT NULL)");
      await client.query("INSERT INTO sessions VALUES ($1, $2)", ["a", JSON.stringify(session)]);
      const { rows } = await client.query("SELECT data FROM sessions WHERE id = $1", ["a"]);
      expect(rows).toEqual([{ data: session }]);
    } finally {
      await client.end();
    }
  });

  it("MariaDB: a session row round-trips in the compose file's database", async () => {
    const connection = await mysql.createConnection({
      uri: `mysql://root:sessionkit@127.0.0.1:${ports.mariadb![0]}/sessionkit`,
    });
    try {
      await connection.query("CREATE TABLE sessions (id VARCHAR(64) PRIMARY KEY, data TEXT)");
      await connection.query("INSERT INTO sessions VALUES (?, ?)", ["a", JSON.stringify(session)]);
      const [rows] = await connection.query("SELECT data FROM sessions WHERE id = ?", ["a"]);
      expect((rows as { data: string }[]).map((row) => JSON.parse(row.data))).toEqual([session]);
    } finally {
      await connection.end();
    }
  });

  it("DynamoDB Local: a session item round-trips", async () => {
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${ports.dynamodb![0]}`,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      const TableName = "compose_sessions";
      await client.send(
        new CreateTableCommand({
          TableName,
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      const Key = { id: { S: "a" } };
      await client.send(
        new PutItemCommand({ TableName, Item: { ...Key, data: { S: JSON.stringify(session) } } }),
      );
      const { Item } = await client.send(new GetItemCommand({ TableName, Key }));
      expect(JSON.parse(Item!.data!.S!)).toEqual(session);
      await client.send(new DeleteItemCommand({ TableName, Key }));
    } finally {
      client.destroy();
    }
  }, 60_000);
});
