import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { WaitStrategy } from "testcontainers";
import { findBinary } from "./binaries.js";
import { freePort } from "./free-port.js";
import { waitUntil } from "./wait-until.js";

type Testcontainers = typeof import("testcontainers");

let detection: Promise<Testcontainers | undefined> | undefined;
let importFailure: string | undefined;

/** Why the `testcontainers` package could not be loaded, when it is installed but fails to load. */
export const testcontainersImportFailure = () => importFailure;

/**
 * Testcontainers, when it is installed and a container runtime answers; else
 * `undefined`. A runtime found is remembered for the process; a miss is asked again
 * next time (with no runtime it fails in milliseconds; a busy daemon may answer later).
 */
export function detectContainerRuntime(): Promise<Testcontainers | undefined> {
  detection ??= (async () => {
    let testcontainers: Testcontainers;
    try {
      testcontainers = await import("testcontainers");
    } catch (error) {
      importFailure = error instanceof Error ? error.message : String(error);
      return undefined; // The optional peer dependency is not installed (or does not load).
    }
    try {
      await testcontainers.getContainerRuntimeClient();
      return testcontainers;
    } catch {
      detection = undefined;
      return undefined; // No Docker/Podman daemon answers (now).
    }
  })();
  return detection;
}

/** What to run in a container. */
export interface ContainerSpec {
  /** "redis", "postgres"…: labels the container, for clean-up by kind. */
  kind: string;
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

/**
 * Every container started here carries these labels, so that `docker/containers.sh`
 * (run by `scripts/test.sh`) can remove what a dead process or a finished run left behind.
 */
export const containerLabels = {
  /** Marks a sessionkit test backend; the value is its kind. */
  backend: "sessionkit.backend",
  /** The pid of the process that started it (removed once that process is gone). */
  pid: "sessionkit.pid",
  /** `SESSIONKIT_CONTAINER_RUN`, so a test run can remove all of its own at the end. */
  run: "sessionkit.run",
  /** Unique to each start, to find and remove a container whose start failed half-way. */
  attempt: "sessionkit.attempt",
} as const;

type Runtime = Awaited<ReturnType<Testcontainers["getContainerRuntimeClient"]>>;
type RuntimeContainer = ReturnType<Runtime["container"]["getById"]>;

/** Containers this process started and has not removed yet, by id. */
const live = new Set<string>();
let cleanupInstalled = false;

/**
 * Removes this process's containers when it exits without closing them, and, from a
 * detached watchdog, when it dies without running exit hooks (SIGKILL, a crashed worker).
 */
function installContainerCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const docker = findBinary("docker");
  if (!docker) return; // Only Testcontainers' own clean-up then (its reaper, unless disabled).
  process.once("exit", () => {
    if (live.size) spawnSync(docker, ["rm", "-f", "-v", ...live], { stdio: "ignore" });
  });
  startContainerWatchdog(docker);
}

/**
 * Outlives `ownerPid` only to clean up: once that process is gone, however it died,
 * removes every container labelled with its pid.
 */
export function startContainerWatchdog(
  docker: string,
  ownerPid = process.pid,
): ChildProcess | undefined {
  if (process.platform === "win32") return undefined;
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
    'ids=$("$2" ps -aq --filter "label=$3=$1"); [ -n "$ids" ] && "$2" rm -f -v $ids >/dev/null 2>&1; true';
  const watchdog = spawn(
    "sh",
    ["-c", script, "sh", String(ownerPid), docker, containerLabels.pid],
    {
      detached: true,
      stdio: "ignore",
    },
  );
  watchdog.on("error", () => {});
  watchdog.unref();
  return watchdog;
}

/** Why a container is not running, or `undefined` while it runs. */
async function exitReason(container: RuntimeContainer): Promise<string | undefined> {
  const { State } = await container.inspect();
  if (State.Running) return undefined;
  return `the container exited (code ${State.ExitCode}${State.OOMKilled ? ", out of memory" : ""})`;
}

/** The server's last lines, for the message when a container exits or never answers. */
async function logTail(runtime: Runtime, container: RuntimeContainer): Promise<string> {
  try {
    const stream = await runtime.container.logs(container, { tail: 3 });
    const text = await new Promise<string>((resolve) => {
      let out = "";
      stream.on("data", (chunk: Buffer | string) => {
        out += String(chunk);
      });
      stream.on("end", () => resolve(out));
      stream.on("error", () => resolve(out));
      setTimeout(() => resolve(out), 2_000).unref();
    });
    const lines = text
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    return lines.length ? `: ${lines.join(" | ")}` : "";
  } catch {
    return "";
  }
}

/**
 * Whether the container runtime runs on this machine (a Unix socket, or TCP to
 * localhost), so published ports can stay on its loopback interface.
 */
function isLocalRuntime(): boolean {
  if (process.env.TESTCONTAINERS_HOST_OVERRIDE) return false;
  const dockerHost = process.env.DOCKER_HOST;
  if (!dockerHost || dockerHost.startsWith("unix://") || dockerHost.startsWith("npipe://"))
    return true;
  try {
    return ["localhost", "127.0.0.1", "[::1]"].includes(new URL(dockerHost).hostname);
  } catch {
    return false;
  }
}

/**
 * A start that Testcontainers gave up on (e.g. the container exited before its ports
 * were bound) leaves the container behind: remove it, and say why it ended if it did.
 */
async function failedStart(runtime: Runtime, attempt: string, error: unknown): Promise<Error> {
  const cause = error instanceof Error ? error : new Error(String(error));
  try {
    const [info] = await runtime.container.dockerode.listContainers({
      all: true,
      filters: { label: [`${containerLabels.attempt}=${attempt}`] },
    });
    if (!info) return cause;
    const container = runtime.container.getById(info.Id);
    const exited = await exitReason(container);
    const message = exited ? `${exited}${await logTail(runtime, container)}` : cause.message;
    await container.remove({ force: true, v: true });
    return new Error(message, { cause });
  } catch {
    return cause;
  }
}

/** Tells Testcontainers not to wait: {@link untilReady} does, speaking each server's protocol. */
function ourOwnReadiness(timeout: number): WaitStrategy {
  const strategy: WaitStrategy = {
    waitUntilReady: async () => {},
    withStartupTimeout: () => strategy,
    isStartupTimeoutSet: () => true,
    getStartupTimeout: () => timeout,
  };
  return strategy;
}

/** Polls `ready` and fails at once, with the server's last lines, if the container exits. */
async function untilReady(
  runtime: Runtime,
  container: RuntimeContainer,
  ready: () => Promise<boolean>,
  timeout: number,
): Promise<void> {
  let exited: string | undefined;
  let lastCheck = 0;
  try {
    await waitUntil(
      async () => {
        if (await ready().catch(() => false)) return true;
        // A container that exited will never answer: asking Docker once a second is enough.
        if (Date.now() - lastCheck >= 1_000) {
          lastCheck = Date.now();
          exited = await exitReason(container);
        }
        return false;
      },
      { timeout, interval: 100, abort: () => exited },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}${await logTail(runtime, container)}`, {
      cause: error,
    });
  }
}

export async function startContainer(
  testcontainers: Testcontainers,
  spec: ContainerSpec,
): Promise<ContainerBackend> {
  installContainerCleanup();
  const runtime = await testcontainers.getContainerRuntimeClient();
  const attempt = randomUUID();
  const local = isLocalRuntime();
  // Testcontainers answers the bridge's gateway when it runs inside a container itself;
  // the ports are published on loopback, so this machine reaches them there.
  const host = local ? "127.0.0.1" : runtime.info.containerRuntime.host;
  const hostPorts = await Promise.all(spec.ports.map(() => freePort()));
  const innerPorts = spec.samePorts ? hostPorts : spec.ports;
  /** Publishes on the loopback interface only: a test server is nobody else's business. */
  class LoopbackContainer extends testcontainers.GenericContainer {
    onLoopback(): this {
      if (!local) return this; // a remote daemon's loopback is out of our reach
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {})) {
        for (const binding of bindings as { HostIp?: string }[]) binding.HostIp = "127.0.0.1";
      }
      return this;
    }
  }
  let container = new LoopbackContainer(spec.image)
    .withExposedPorts(...innerPorts.map((inner, i) => ({ container: inner, host: hostPorts[i]! })))
    .onLoopback()
    .withLabels({
      [containerLabels.backend]: spec.kind,
      [containerLabels.pid]: String(process.pid),
      [containerLabels.run]: process.env.SESSIONKIT_CONTAINER_RUN ?? "",
      [containerLabels.attempt]: attempt,
    })
    // Readiness is ours (the server's own protocol, and an exited container fails at once).
    .withWaitStrategy(ourOwnReadiness(spec.timeout));
  if (spec.env) container = container.withEnvironment(spec.env);
  if (spec.command) {
    const command = spec.command.map((arg) =>
      innerPorts.reduce((text, port, i) => text.replaceAll(`{port${i}}`, String(port)), arg),
    );
    container = container.withCommand(command);
  }
  let started: Awaited<ReturnType<typeof container.start>>;
  try {
    started = await container.start();
  } catch (error) {
    throw await failedStart(runtime, attempt, error);
  }
  const id = started.getId();
  live.add(id);
  const runtimeHandle = runtime.container.getById(id);
  let closed = false;
  const remove = async () => {
    live.delete(id);
    await runtimeHandle.remove({ force: true, v: true });
  };
  const becomeReady = async () => {
    await untilReady(runtime, runtimeHandle, () => spec.ready(host, hostPorts), spec.timeout);
    await spec.afterStart?.(host, hostPorts);
  };
  try {
    await becomeReady();
  } catch (error) {
    closed = true;
    await remove().catch(() => {});
    throw error;
  }
  return {
    host,
    ports: hostPorts,
    handle: {
      source: "testcontainers",
      canRestart: true,
      async stop() {
        // In milliseconds: a clean shutdown lets the server keep its data across the restart.
        await runtime.container.stop(runtimeHandle, { timeout: 20_000 });
      },
      async start() {
        await runtime.container.start(runtimeHandle);
        await becomeReady();
      },
      async close() {
        if (closed) return;
        closed = true;
        await remove();
      },
    },
  };
}
