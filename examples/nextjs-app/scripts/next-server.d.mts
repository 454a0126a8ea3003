/** Options of {@link startNextServer}. */
export interface StartNextServerOptions {
  /** TCP port. */
  port: number;
  /** Extra env for the server (AUTH_*, SESSION_STORE…). @default {} */
  env?: Record<string, string>;
  /** Receives the server's output line by line. @default kept in memory only */
  log?: (line: string) => void;
  /** How long to wait for the first answer, in milliseconds. @default 60_000 */
  readyTimeoutMs?: number;
}

/** A running `next start`. */
export interface NextServer {
  /** `http://localhost:<port>`. */
  url: string;
  port: number;
  /** SIGTERM to its process group (SIGKILL after 5 s); idempotent. */
  stop(): Promise<void>;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string | null>;
  /** The last of its output. */
  output(): string;
}

/** Starts the app's production build and waits until it answers. */
export function startNextServer(options: StartNextServerOptions): Promise<NextServer>;
