import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findBinary, isRoot } from "./binaries.js";
import { startContainer } from "./container-runtime.js";
import { freePort } from "./free-port.js";
import { createLocalWorkspace } from "./local-server.js";
import { retryOnPortRace, runToCompletion, startLocalServer } from "./local-start.js";
import { mySqlReady } from "./probes.js";
import { resolveBackend } from "./resolve-backend.js";
import type { MySqlBackend, StartBackendOptions } from "./types.js";

/** Options of {@link startMySql}. */
export type StartMySqlOptions = StartBackendOptions;

const user = "root";
const password = "sessionkit";
const database = "sessionkit";

/** The same character set everywhere, so sessions with any Unicode round-trip. */
const charsetArgs = ["--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"];

const sbinDirs = ["/usr/sbin", "/usr/local/sbin", "/opt/homebrew/opt/mariadb/bin"];

function findMariaDb(): { install: string; server: string } | undefined {
  const install = findBinary("mariadb-install-db", sbinDirs);
  const server = findBinary("mariadbd", sbinDirs);
  return install && server ? { install, server } : undefined;
}

function details(host: string, port: number) {
  return {
    url: `mysql://${user}:${password}@${host}:${port}/${database}`,
    host,
    port,
    user,
    password,
    database,
  };
}

/**
 * A MySQL-compatible server (MariaDB) for tests: `DATABASE_URL_MYSQL`, else a
 * Testcontainers container, else `mariadb-install-db` + `mariadbd` on a free
 * port in a temp dir. User `root`, password `sessionkit`, database `sessionkit`.
 */
export function startMySql(options?: StartMySqlOptions): Promise<MySqlBackend> {
  return resolveBackend<MySqlBackend>(
    {
      label: "MySQL/MariaDB",
      image: "mariadb",
      envVar: "DATABASE_URL_MYSQL",
      fromEnv(value) {
        const url = new URL(value);
        const host = url.hostname;
        const port = Number(url.port || 3306);
        return {
          ready: () => mySqlReady(host, port),
          url: value,
          host,
          port,
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
          database: decodeURIComponent(url.pathname.slice(1)),
        };
      },
      async fromContainer(testcontainers, timeout, image) {
        const container = await startContainer(testcontainers, {
          kind: "mariadb",
          image,
          ports: [3306],
          env: { MARIADB_ROOT_PASSWORD: password, MARIADB_DATABASE: database },
          command: charsetArgs,
          ready: (host, [port]) => mySqlReady(host, port!),
          timeout,
        });
        return {
          ...container.handle,
          ...details(container.host, container.ports[0]!),
        };
      },
      localMissing: () =>
        findMariaDb() ? undefined : "install MariaDB (apt install mariadb-server)",
      fromLocal: (timeout) =>
        retryOnPortRace(async () => {
          const binaries = findMariaDb()!;
          const workspace = createLocalWorkspace("mariadb");
          const port = await freePort();
          const data = join(workspace.dir, "data");
          const asRoot = isRoot() ? ["--user=root"] : [];
          const initFile = join(workspace.dir, "init.sql");
          // Runs at every start; a password user reachable over TCP, like the container's.
          writeFileSync(
            initFile,
            [
              `CREATE DATABASE IF NOT EXISTS ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
              `CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}';`,
              `GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%' WITH GRANT OPTION;`,
            ].join("\n"),
          );
          await runToCompletion(workspace, "mariadb-install-db", {
            command: binaries.install,
            args: [
              "--no-defaults",
              `--datadir=${data}`,
              "--auth-root-authentication-method=socket", // no password-less root over TCP
              "--skip-test-db",
              "--skip-name-resolve",
              ...asRoot,
            ],
          });
          const server = await startLocalServer(
            workspace,
            "mariadbd",
            {
              command: binaries.server,
              args: [
                "--no-defaults",
                `--datadir=${data}`,
                `--port=${port}`,
                "--bind-address=127.0.0.1",
                `--socket=${join(workspace.dir, "mysqld.sock")}`,
                `--pid-file=${join(workspace.dir, "mysqld.pid")}`,
                `--init-file=${initFile}`,
                "--skip-log-bin",
                "--skip-name-resolve",
                "--max-connections=200",
                // Throwaway data: durability only costs time here.
                "--innodb-flush-log-at-trx-commit=0",
                "--innodb-buffer-pool-size=32M",
                ...charsetArgs,
                ...asRoot,
              ],
            },
            () => mySqlReady("127.0.0.1", port),
            timeout,
          );
          return {
            ...server,
            ...details("127.0.0.1", port),
          };
        }),
    },
    options,
  );
}
