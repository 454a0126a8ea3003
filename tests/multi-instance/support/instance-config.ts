/** Which shared store an app instance opens, and where. */
export type StoreConfig =
  | { kind: "redis"; url: string; prefix: string }
  | { kind: "prisma"; url: string; schema: string }
  | {
      kind: "dynamodb";
      endpoint: string;
      region: string;
      credentials: { accessKeyId: string; secretAccessKey: string };
      tableName: string;
    };

export type StoreKind = StoreConfig["kind"];

/**
 * An optional store extension an instance can hide from createAuth (with its release method), so
 * the self-test can show what the suite reports for a store without it.
 */
export type HiddenStoreMethod = "acquireRefreshLease" | "claimLogoutToken";

/** What one app instance process is started with (JSON in `SESSIONKIT_INSTANCE`). */
export interface InstanceConfig {
  /** Shown in its log lines, e.g. `redis-A`. */
  name: string;
  store: StoreConfig;
  /** Extensions of the store this instance does not show to createAuth (normally none). */
  hide: HiddenStoreMethod[];
  /** Passed to createAuth as they are (plus the store, a logger and an empty env). */
  auth: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    /** The public origin every instance shares, as behind a load balancer. */
    appBaseUrl: string;
    secret: string;
    /** Seconds; larger than the access token's lifetime makes every access-token request refresh. */
    refreshBuffer: number;
    /** Seconds; 0 rolls the session on every request, so every read in a burst writes. */
    updateAge: number;
  };
}

/** What an instance tells the test process over IPC. */
export type InstanceMessage = { type: "listening"; port: number };
