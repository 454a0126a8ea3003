/** Options of {@link prepareStore}. */
export interface PrepareStoreOptions {
  /** A fresh key prefix / schema / table (removed by `close`), for tests on shared servers. @default false */
  isolate?: boolean;
  /** Progress messages. @default silent */
  log?: (message: string) => void;
}

/** A store ready for the app: its env, and how to tear down what was started. */
export interface PreparedStore {
  /** `SESSION_STORE` and the variables the chosen store reads. */
  env: Record<string, string>;
  /** The store's server, when the demo found or started it through the test backends (outage tests stop it). */
  backend?: { readonly canRestart: boolean; stop(): Promise<void>; start(): Promise<void> };
  close(): Promise<void>;
}

/** Starts (or finds) the server a store kind needs and creates its table or schema. */
export function prepareStore(
  kind: "cookie" | "redis" | "prisma" | "dynamodb",
  options?: PrepareStoreOptions,
): Promise<PreparedStore>;
