import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { type DevProvider, startDevProvider } from "@sessionkit/example-dev-provider";
import { type NextServer, startNextServer } from "../../scripts/next-server.mjs";
import { type PreparedStore, prepareStore } from "../../scripts/stores.mjs";

export type StoreKind = "cookie" | "redis" | "prisma" | "dynamodb";

/** The dev provider, a store and one or more `next start` instances of one build. */
export interface Stack {
  provider: DevProvider;
  store: PreparedStore;
  apps: NextServer[];
  secret: string;
  /** Refresh-token grants the provider answered. */
  refreshes(): number;
  /** Back-channel logout deliveries the provider reports, oldest first. */
  backchannel: { ok: boolean; uri: string }[];
  close(): Promise<void>;
}

/** A free TCP port on loopback (closed again before it is used: good enough on one machine). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts everything a browser test needs. Every instance shares one secret and one
 * store; the provider sends back-channel logout tokens to the LAST instance.
 */
export async function startStack(options: {
  store: StoreKind;
  instances?: number;
  /** Access token lifetime at the provider, in seconds. @default 600 */
  accessTokenTtl?: number;
}): Promise<Stack> {
  const count = options.instances ?? 1;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {});
  };
  try {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const appUrls = ports.map((port) => `http://localhost:${port}`);
    const provider = await startDevProvider({
      appUrls,
      backchannelLogoutUrl: `${appUrls[appUrls.length - 1]}/auth/backchannel-logout`,
      accessTokenTtl: options.accessTokenTtl,
    });
    closers.push(() => provider.close());
    const backchannel: Stack["backchannel"] = [];
    let refreshes = 0;
    provider.provider.on("grant.success", (ctx) => {
      const params = (ctx as { oidc?: { params?: { grant_type?: unknown } } }).oidc?.params;
      if (params?.grant_type === "refresh_token") refreshes += 1;
    });
    provider.provider.on("backchannel.success", (_ctx, client) => {
      backchannel.push({
        ok: true,
        uri: String((client as { backchannelLogoutUri?: string }).backchannelLogoutUri),
      });
    });
    provider.provider.on("backchannel.error", (_ctx, _error, client) => {
      backchannel.push({
        ok: false,
        uri: String((client as { backchannelLogoutUri?: string }).backchannelLogoutUri),
      });
    });

    const store: PreparedStore = await prepareStore(options.store, { isolate: true });
    closers.push(() => store.close());

    const secret = randomBytes(32).toString("base64url");
    const apps = await Promise.all(
      ports.map(async (port, index) => {
        const app = await startNextServer({
          port,
          env: {
            ...store.env,
            AUTH_SECRET: secret,
            AUTH_ISSUER: provider.issuer,
            AUTH_CLIENT_ID: provider.clientId,
            AUTH_CLIENT_SECRET: provider.clientSecret,
            APP_BASE_URL: appUrls[index] as string,
          },
        });
        closers.push(() => app.stop());
        return app;
      }),
    );
    return { provider, store, apps, secret, backchannel, refreshes: () => refreshes, close };
  } catch (error) {
    await close();
    throw error;
  }
}
