import { randomBytes } from "node:crypto";
import type { DevProvider } from "@sessionkit/example-dev-provider";
import type { HiddenStoreMethod, StoreKind } from "./instance-config.ts";
import { type AppInstance, startInstance } from "./instances.ts";
import { startWatchedProvider, type WatchedProvider } from "./provider.ts";
import { type SharedStore, startSharedStore } from "./shared-store.ts";

/**
 * The public origin both instances share, as behind a load balancer: the provider redirects there
 * and the instances build their URLs from it. Nothing listens on it; the tests send each request
 * to one instance's own port.
 */
export const APP_BASE_URL = "http://localhost:43210";

/**
 * Seconds: far more than the access tokens' lifetime at the provider (600 s), so every
 * access-token request finds its token due for a refresh, with no clock games.
 */
export const REFRESH_BUFFER = 86_400;

export const STORE_LABELS: Record<StoreKind, string> = {
  redis: "Redis",
  prisma: "PostgreSQL via Prisma",
  dynamodb: "DynamoDB Local",
};

/** One backend, the watched dev provider and two app instances (A and B) sharing the store. */
export interface Stack {
  readonly store: SharedStore;
  readonly watched: WatchedProvider;
  readonly op: DevProvider;
  readonly a: AppInstance;
  readonly b: AppInstance;
}

/** Options of {@link createStack}. */
export interface StackOptions {
  /** Store methods both instances hide from createAuth (the self-test's broken setups). @default none */
  hide?: HiddenStoreMethod[];
}

/**
 * A stack that starts on `start()` and that `close()` always tears down, whatever came up: a piece
 * that finishes starting after `close()` (a timed-out hook) is stopped as soon as it arrives.
 */
export function createStack(kind: StoreKind, options: StackOptions = {}) {
  const closers: (() => Promise<unknown>)[] = [];
  let closed = false;
  /** Registers what just started, or stops it at once when the stack is already closed. */
  const adopt = async <T>(piece: T, close: (piece: T) => Promise<unknown>): Promise<T> => {
    if (closed) {
      await close(piece);
      throw new Error("the stack was closed while it started");
    }
    closers.push(() => close(piece));
    return piece;
  };

  return {
    async start(): Promise<Stack> {
      const store = await adopt(await startSharedStore(kind), (it) => it.close());
      const watched = await adopt(await startWatchedProvider(APP_BASE_URL), (it) => it.close());
      const secret = randomBytes(32).toString("base64url");
      const started = await Promise.allSettled(
        ["A", "B"].map(async (letter) =>
          adopt(
            await startInstance({
              name: `${kind}-${letter}`,
              store: store.config,
              hide: options.hide ?? [],
              auth: {
                issuer: watched.op.issuer,
                clientId: watched.op.clientId,
                clientSecret: watched.op.clientSecret,
                appBaseUrl: APP_BASE_URL,
                secret,
                refreshBuffer: REFRESH_BUFFER,
                // Every request rolls the session (a store write racing the refreshes).
                updateAge: 0,
              },
            }),
            (it) => it.stop(),
          ),
        ),
      );
      const [a, b] = started;
      if (a?.status !== "fulfilled") throw a?.reason;
      if (b?.status !== "fulfilled") throw b?.reason;
      return { store, watched, op: watched.op, a: a.value, b: b.value };
    },

    /** Instances first (they hold clients of the backend), then the provider, then the backend. */
    async close(): Promise<void> {
      closed = true;
      const errors: unknown[] = [];
      for (const close of closers.splice(0).reverse()) {
        await close().catch((error: unknown) => errors.push(error));
      }
      if (errors.length > 0) throw new AggregateError(errors, "tearing down the stack failed");
    },
  };
}

/**
 * The last lines the instances wrote, merged in time order (their store traces carry a
 * millisecond clock; other lines keep their place after the traced line before them).
 */
export function logOf(instances: readonly AppInstance[], count = 120): string {
  const merged: { at: number; order: number; text: string }[] = [];
  for (const instance of instances) {
    let at = 0;
    for (const text of instance.output().split("\n")) {
      const time = /^\[[^\]]+\]\s+(\d+) /.exec(text)?.[1];
      if (time !== undefined) at = Number(time);
      merged.push({ at, order: merged.length, text });
    }
  }
  merged.sort((x, y) => x.at - y.at || x.order - y.order);
  const tail = merged.slice(-count).map((line) => line.text);
  return `--- the instances' last ${tail.length} log lines, in time order ---\n${tail.join("\n")}`;
}
