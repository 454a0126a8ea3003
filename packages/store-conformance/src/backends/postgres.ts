import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findBinary, isRoot, systemUser, versionedDirs } from "./binaries.js";
import { startContainer } from "./container-runtime.js";
import { freePort } from "./free-port.js";
import { createLocalWorkspace } from "./local-server.js";
import { retryOnPortRace, runToCompletion, startLocalServer } from "./local-start.js";
import { postgresReady } from "./probes.js";
import { resolveBackend } from "./resolve-backend.js";
import type { PostgresBackend, StartBackendOptions } from "./types.js";

/** Options of {@link startPostgres}. */
export type StartPostgresOptions = StartBackendOptions;

const user = "postgres";
const password = "sessionkit";
const database = "postgres";

const postgresUrl = (host: string, port: number) =>
  `postgres://${user}:${password}@${host}:${port}/${database}`;

/** Where distributions put initdb/postgres, which are rarely on PATH. */
const binDirs = () => [
  ...versionedDirs("/usr/lib/postgresql", /^\d+$/, "bin"),
  ...versionedDirs("/usr/pgsql", /^\d+$/, "bin"),
  ...versionedDirs("/opt/homebrew/opt", /^postgresql(@\d+)?$/, "bin"),
  ...versionedDirs("/usr/local/opt", /^postgresql(@\d+)?$/, "bin"),
  "/usr/local/pgsql/bin",
];

/** Both binaries from the same installation. */
function findPostgres(): { initdb: string; postgres: string } | undefined {
  const initdb = findBinary("initdb", binDirs());
  if (!initdb) return undefined;
  const postgres = join(initdb, "..", "postgres");
  return { initdb, postgres };
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` (or `nobody`) user. */
const serverUser = () => (isRoot() ? (systemUser("postgres") ?? systemUser("nobody")) : undefined);

/**
 * A PostgreSQL server for tests: `DATABASE_URL_POSTGRES`, else a Testcontainers
 * container, else `initdb` + `postgres` on a free port in a temp dir.
 */
export function startPostgres(options?: StartPostgresOptions): Promise<PostgresBackend> {
  return resolveBackend<PostgresBackend>(
    {
      label: "PostgreSQL",
      image: "postgres",
      envVar: "DATABASE_URL_POSTGRES",
      fromEnv(value) {
        const url = new URL(value);
        return {
          ready: () =>
            postgresReady(
              url.hostname,
              Number(url.port || 5432),
              decodeURIComponent(url.username || "postgres"),
              decodeURIComponent(url.pathname.slice(1) || "postgres"),
            ),
          url: value,
        };
      },
      async fromContainer(testcontainers, timeout, image) {
        const container = await startContainer(testcontainers, {
          kind: "postgres",
          image,
          ports: [5432],
          env: { POSTGRES_PASSWORD: password },
          command: ["postgres", "-c", "fsync=off", "-c", "synchronous_commit=off"],
          ready: (host, [port]) => postgresReady(host, port!, user, database),
          timeout,
        });
        return {
          ...container.handle,
          url: postgresUrl(container.host, container.ports[0]!),
        };
      },
      localMissing() {
        if (!findPostgres()) return "install PostgreSQL (apt install postgresql)";
        if (isRoot() && !serverUser())
          return "add a `postgres` user (PostgreSQL will not run as root)";
        return undefined;
      },
      fromLocal: (timeout) =>
        retryOnPortRace(async () => {
          const binaries = findPostgres()!;
          const owner = serverUser();
          const workspace = createLocalWorkspace("postgres", owner);
          const port = await freePort();
          const data = join(workspace.dir, "data");
          const pwfile = join(workspace.dir, "pwfile");
          writeFileSync(pwfile, password);
          await runToCompletion(workspace, "initdb", {
            command: binaries.initdb,
            args: [
              "-D",
              data,
              "-U",
              user,
              `--pwfile=${pwfile}`,
              "--auth-local=trust",
              "--auth-host=scram-sha-256",
              "--no-sync",
              "--encoding=UTF8",
              "--locale=C",
            ],
            ...(owner ? { user: owner } : {}),
            env: { LC_ALL: "C" },
          });
          const server = await startLocalServer(
            workspace,
            "postgres",
            {
              command: binaries.postgres,
              args: [
                "-D",
                data,
                "-p",
                String(port),
                "-h",
                "127.0.0.1",
                "-k",
                workspace.dir,
                // Throwaway data: durability only costs time here.
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=200",
              ],
              ...(owner ? { user: owner } : {}),
              env: { LC_ALL: "C" },
              closeSignal: "SIGQUIT",
            },
            () => postgresReady("127.0.0.1", port, user, database),
            timeout,
            { stopSignal: "SIGINT" }, // fast shutdown: ends every session now
          );
          return {
            ...server,
            url: postgresUrl("127.0.0.1", port),
          };
        }),
    },
    options,
  );
}
