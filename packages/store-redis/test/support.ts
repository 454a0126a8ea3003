import type { SessionData } from "@sessionkit/auth/store";
import { Cluster, Redis } from "ioredis";
import type { RedisStoreClient } from "../src/index.js";

/** A Redis deployment under test: how the app connects, and plain connections to each master. */
export interface Target {
  readonly name: string;
  readonly cluster: boolean;
  /** An app client with ioredis's default settings, as most apps create it. */
  connect(): RedisStoreClient;
  /** The masters' addresses, for inspection connections. */
  readonly nodes: { host: string; port: number }[];
}

export const standaloneTarget = (host: string, port: number): Target => ({
  name: "standalone",
  cluster: false,
  nodes: [{ host, port }],
  connect: () => new Redis({ host, port }),
});

export const clusterTarget = (nodes: { host: string; port: number }[]): Target => ({
  name: "cluster",
  cluster: true,
  nodes,
  connect: () => new Cluster(nodes),
});

export const randomPrefix = () => `t${Math.random().toString(36).slice(2, 10)}:`;

export const aSession = (sub: string, sid?: string, iss = "https://op.example"): SessionData => ({
  user: { sub, name: "Zoë 🦊" },
  tokenSet: { accessToken: "at-secret-value", idToken: "id.token.value" },
  internal: { iss, sid, createdAt: Date.now(), expiresAt: Date.now() + 60_000 },
});

export const inOneMinute = () => ({ expiresAt: Date.now() + 60_000 });

/** Every key under `prefix` on every master (tests only: KEYS on a private test server). */
export async function keysOf(target: Target, prefix: string): Promise<Map<string, Redis>> {
  const found = new Map<string, Redis>();
  for (const node of target.nodes) {
    const redis = new Redis({ ...node, lazyConnect: true });
    try {
      for (const key of await redis.keys(`${prefix}*`)) found.set(key, redis);
    } finally {
      redis.disconnect();
    }
  }
  return found;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closes an app client without waiting for pending replies. */
export const close = (client: RedisStoreClient) => client.disconnect();
