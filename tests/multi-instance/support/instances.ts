import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { InstanceConfig, InstanceMessage } from "./instance-config.ts";

const script = fileURLToPath(new URL("./app-instance.ts", import.meta.url));
const tsconfig = fileURLToPath(new URL("../tsconfig.json", import.meta.url));
/** tsx's loader, resolved from this package (`--import tsx` would resolve from the cwd). */
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** How long an instance may take to load its modules and listen on a busy machine. */
const START_TIMEOUT_MS = 90_000;
/** How long it may take to close its server and store client once asked to stop. */
const STOP_TIMEOUT_MS = 10_000;

/** A running app instance process. */
export interface AppInstance {
  readonly name: string;
  /** `http://127.0.0.1:<port>`: where to send this instance's requests. */
  readonly url: string;
  /** The last lines it wrote (stderr and stdout), for failure messages. */
  output(): string;
  /** Ends the process (SIGTERM, then SIGKILL); idempotent. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const gone = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  try {
    await gone;
  } finally {
    clearTimeout(timer);
  }
}

/** Forks `support/app-instance.ts` (through tsx, on the packages' sources) and waits until it listens. */
export async function startInstance(config: InstanceConfig): Promise<AppInstance> {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  const child = fork(script, [], {
    execArgv: ["--import", tsx],
    env: {
      ...process.env,
      NODE_ENV: "test",
      TSX_TSCONFIG_PATH: tsconfig,
      SESSIONKIT_INSTANCE: JSON.stringify(config),
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("error", (error) => lines.push(`[spawn] ${error.message}`));
  const output = () => lines.join("\n");

  let timer: NodeJS.Timeout | undefined;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${config.name} did not listen within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.on("message", (message: InstanceMessage) => {
        if (message.type === "listening") resolve(message.port);
      });
      child.once("exit", (code, signal) =>
        reject(new Error(`${config.name} exited before listening (${signal ?? code})`)),
      );
    });
    return {
      name: config.name,
      url: `http://127.0.0.1:${port}`,
      output,
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}; its output:\n${output()}`);
  } finally {
    clearTimeout(timer);
  }
}
