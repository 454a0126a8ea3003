import { freePort } from "./free-port.js";
import { waitUntil } from "./wait-until.js";

type Testcontainers = typeof import("testcontainers");

let detection: Promise<Testcontainers | undefined> | undefined;

/**
 * Testcontainers, when it is installed and a container runtime answers; else
 * `undefined`. Asked once per process: with no runtime it fails in milliseconds.
 */
export function detectContainerRuntime(): Promise<Testcontainers | undefined> {
  detection ??= (async () => {
    let testcontainers: Testcontainers;
    try {
      testcontainers = await import("testcontainers");
    } catch {
      return undefined; // The optional peer dependency is not installed.
    }
    try {
      await testcontainers.getContainerRuntimeClient();
      return testcontainers;
    } catch {
      return undefined; // No Docker/Podman daemon answers.
    }
  })();
  return detection;
}

/** What to run in a container. */
export interface ContainerSpec {
  image: string;
  /** Ports the server listens on inside the container. */
  ports: number[];
  /**
   * Listen inside on the same port numbers as published outside (Redis Cluster
   * announces its own ports, so they must be right on both sides).
   */
  samePorts?: boolean;
  env?: Record<string, string>;
  command?: string[];
  /** Whether the server answers on `host` and the published `ports`. */
  ready(host: string, ports: number[]): Promise<boolean>;
  /** Called once after the first start and after each restart (e.g. to form a cluster). */
  afterStart?(host: string, ports: number[]): Promise<void>;
  /** In milliseconds. */
  timeout: number;
}

/** The part of a backend handle that a container provides. */
export interface ContainerHandle {
  source: "testcontainers";
  canRestart: true;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A running container published on fixed host ports, so a restart keeps its address. */
export interface ContainerBackend {
  host: string;
  ports: number[];
  handle: ContainerHandle;
}

export async function startContainer(
  testcontainers: Testcontainers,
  spec: ContainerSpec,
): Promise<ContainerBackend> {
  const hostPorts = await Promise.all(spec.ports.map(() => freePort()));
  const innerPorts = spec.samePorts ? hostPorts : spec.ports;
  let container = new testcontainers.GenericContainer(spec.image)
    .withExposedPorts(...innerPorts.map((inner, i) => ({ container: inner, host: hostPorts[i]! })))
    .withStartupTimeout(spec.timeout);
  if (spec.env) container = container.withEnvironment(spec.env);
  if (spec.command) {
    const command = spec.command.map((arg) =>
      innerPorts.reduce((text, port, i) => text.replaceAll(`{port${i}}`, String(port)), arg),
    );
    container = container.withCommand(command);
  }
  const started = await container.start();
  const host = started.getHost();
  const client = await testcontainers.getContainerRuntimeClient();
  const runtimeHandle = client.container.getById(started.getId());
  const becomeReady = async () => {
    await waitUntil(() => spec.ready(host, hostPorts), { timeout: spec.timeout, interval: 100 });
    await spec.afterStart?.(host, hostPorts);
  };
  await becomeReady();
  let closed = false;
  return {
    host,
    ports: hostPorts,
    handle: {
      source: "testcontainers",
      canRestart: true,
      async stop() {
        await client.container.stop(runtimeHandle, { timeout: 1 });
      },
      async start() {
        await client.container.start(runtimeHandle);
        await becomeReady();
      },
      async close() {
        if (closed) return;
        closed = true;
        await started.stop({ timeout: 1 }).catch(() => client.container.remove(runtimeHandle));
      },
    },
  };
}
