/** Where a backend came from: an env URL, a container, or a server binary started here. */
export type BackendSource = "env" | "testcontainers" | "local";

/** What every test backend can do. */
export interface BackendHandle {
  /** How the backend was found. */
  readonly source: BackendSource;
  /** Whether `stop()`/`start()` work (a server named by an env URL is not ours to stop). */
  readonly canRestart: boolean;
  /** Takes the server down (for outage tests); resolves once it no longer answers. */
  stop(): Promise<void>;
  /** Brings the server back on the same host and port; resolves once it answers again. */
  start(): Promise<void>;
  /** Tears the server down and removes its temp dir. Idempotent. */
  close(): Promise<void>;
}

/** A Redis server. */
export interface RedisBackend extends BackendHandle {
  /** `redis://host:port`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

/** A Redis Cluster of three masters (no replicas). */
export interface RedisClusterBackend extends BackendHandle {
  /** The three masters; any one is enough to discover the cluster. */
  readonly nodes: { host: string; port: number }[];
}

/** A PostgreSQL server. */
export interface PostgresBackend extends BackendHandle {
  /** `postgres://user:password@host:port/database`: a database the caller may use freely. */
  readonly url: string;
}

/** A MySQL-compatible (MariaDB) server. */
export interface MySqlBackend extends BackendHandle {
  /** `mysql://user:password@host:port/database`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** A DynamoDB-compatible endpoint (DynamoDB Local). */
export interface DynamoDbBackend extends BackendHandle {
  /** `http://host:port`. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Options of every `start*()` function. */
export interface StartBackendOptions {
  /**
   * Where to look, in order. Also set by `SESSIONKIT_BACKEND_SOURCES` (comma-separated).
   * @default ["env", "testcontainers", "local"]
   */
  sources?: BackendSource[];
  /** How long each source may take to give a server that answers, in milliseconds. @default 60_000 */
  timeout?: number;
  /**
   * The container image of the `testcontainers` source (a private mirror, a local
   * build). Also set by `SESSIONKIT_<BACKEND>_IMAGE`, e.g. `SESSIONKIT_REDIS_IMAGE`.
   * @default the pinned official image in `backendImages`
   */
  image?: string;
  /**
   * Told in one line when a source failed and the next one is tried (a refused pull,
   * a container that exited, a server that never answered).
   * @default console.warn
   */
  onSourceFailed?: (message: string) => void;
}
