import { EventEmitter, once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type DevProvider,
  type RefreshTokenUse,
  startDevProvider,
} from "@sessionkit/example-dev-provider";

/** Every refresh-token grant the provider answered, and every grant it revoked. */
export interface RefreshLedger {
  /** All refresh-token grant requests, oldest first. */
  readonly uses: readonly RefreshTokenUse[];
  /** Grant ids the provider revoked (reuse detection revokes the whole grant). */
  readonly revokedGrants: readonly string[];
  /** How many times each refresh token was presented. */
  countsByToken(): Map<string, number>;
}

/** The dev provider, watched, plus where its back-channel logout tokens land. */
export interface WatchedProvider {
  readonly op: DevProvider;
  readonly ledger: RefreshLedger;
  /** Logout tokens the provider POSTed, oldest first (the test delivers them to the apps). */
  readonly logoutTokens: readonly string[];
  /** Resolves once at least `count` logout tokens have arrived. */
  waitForLogoutTokens(count: number): Promise<void>;
  /**
   * Holds the next token requests until `count` of them are waiting, then lets them all through
   * together: concurrent refreshes lined up, whatever the machine's timing.
   */
  holdTokenRequests(count: number): void;
  close(): Promise<void>;
}

/** Short for messages: enough of a token to tell two apart, never the whole secret. */
export function tokenTag(token: string): string {
  return `${token.slice(0, 8)}…`;
}

/**
 * Starts the dev provider for `appBaseUrl` (the instances' shared public origin) with refresh-token
 * rotation (a spent token presented again revokes the grant) and a back-channel logout URI on a
 * local receiver, so the test holds each logout token and decides which instance gets it.
 */
export async function startWatchedProvider(appBaseUrl: string): Promise<WatchedProvider> {
  const logoutTokens: string[] = [];
  const arrivals = new EventEmitter();
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("error", () => response.destroy());
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const token = new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("logout_token");
      if (token !== null) {
        logoutTokens.push(token);
        arrivals.emit("token");
      }
      response.writeHead(200).end();
    });
  });
  receiver.on("error", () => {});
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  const closeReceiver = () => {
    receiver.closeAllConnections();
    return new Promise<void>((resolve) => receiver.close(() => resolve()));
  };

  let gate: { count: number; waiting: (() => void)[] } | undefined;
  const beforeTokenRequest = () =>
    new Promise<void>((resolve) => {
      const current = gate;
      if (current === undefined) return resolve();
      current.waiting.push(resolve);
      if (current.waiting.length >= current.count) {
        gate = undefined;
        for (const release of current.waiting) release();
      }
    });

  const uses: RefreshTokenUse[] = [];
  const revokedGrants: string[] = [];
  let op: DevProvider;
  try {
    op = await startDevProvider({
      appUrls: [appBaseUrl],
      backchannelLogoutUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`,
      onRefreshTokenUse: (use) => uses.push(use),
      beforeTokenRequest,
    });
  } catch (error) {
    await closeReceiver();
    throw error;
  }
  op.provider.on("grant.revoked", (_ctx, grantId) => revokedGrants.push(String(grantId)));

  return {
    op,
    ledger: {
      uses,
      revokedGrants,
      countsByToken() {
        const counts = new Map<string, number>();
        for (const use of uses)
          counts.set(use.refreshToken, (counts.get(use.refreshToken) ?? 0) + 1);
        return counts;
      },
    },
    logoutTokens,
    async waitForLogoutTokens(count) {
      const signal = AbortSignal.timeout(30_000);
      while (logoutTokens.length < count) {
        await once(arrivals, "token", { signal }).catch(() => {
          throw new Error(`the provider sent ${logoutTokens.length} logout tokens, not ${count}`);
        });
      }
    },
    holdTokenRequests(count) {
      gate = { count, waiting: [] };
    },
    async close() {
      // Nothing stays held: a request waiting at the gate is let through to a closing server.
      for (const release of gate?.waiting ?? []) release();
      gate = undefined;
      await Promise.allSettled([op.close(), closeReceiver()]);
    },
  };
}
