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
  connect: () => listened(new Redis({ host, port })),
});

export const clusterTarget = (nodes: { host: string; port: number }[]): Target => ({
  name: "cluster",
  cluster: true,
  nodes,
  connect: () => listened(new Cluster(nodes)),
});

/**
 * Gives a test's client an error listener: without one, ioredis logs every failed reconnect
 * (while a test has stopped the server) and the leak guard fails the run. A failure still
 * reaches the test as the rejection of its command. Close the client in afterAll or finally.
 */
export function listened<C extends Redis | Cluster>(client: C): C {
  client.on("error", () => {});
  return client;
}

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
    const redis = listened(new Redis({ ...node, lazyConnect: true }));
    try {
      for (const key of await redis.keys(`${prefix}*`)) found.set(key, redis);
    } finally {
      redis.disconnect();
    }
  }
  return found;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the clock has passed `at` (epoch ms): for an expiry the store judges by time. */
export const sleepUntil = (at: number) => sleep(Math.max(0, at - Date.now()) + 20);

/**
 * Polls `probe` until it answers true, for a state Redis reaches on its own (a key's TTL ran
 * out). Fails naming `what` after `seconds`, generous because the machine may be busy.
 */
export async function eventually(
  what: string,
  probe: () => boolean | Promise<boolean>,
  seconds = 15,
): Promise<void> {
  const deadline = Date.now() + seconds * 1_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not true after ${seconds} s: ${what}`);
    await sleep(25);
  }
}

/** Closes an app client without waiting for pending replies. */
export const close = (client: RedisStoreClient) => client.disconnect();
