// One app instance in its own process: createAuth with the store named in its config, served on a
// loopback port by node:http, every request answered through auth.middleware. The test process
// forks it (see instances.ts) through tsx, which maps @sessionkit/* to the packages' sources.
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Auth,
  createAuth,
  isAuthError,
  isPassThrough,
  mergeAuthResponse,
  type SessionStore,
} from "@sessionkit/auth";
import { NextRequest } from "next/server.js";
import type { InstanceConfig, InstanceMessage, StoreConfig } from "./instance-config.ts";

const config = JSON.parse(process.env.SESSIONKIT_INSTANCE ?? "null") as InstanceConfig | null;
if (config === null) throw new Error("app-instance: SESSIONKIT_INSTANCE (JSON) is not set");
const name = config.name;

function report(message: string, detail?: unknown): void {
  const text = detail instanceof Error ? (detail.stack ?? detail.message) : (detail ?? "");
  process.stderr.write(`[${name}] ${message} ${String(text)}\n`);
}

function send(message: InstanceMessage): void {
  process.send?.(message);
}

/** The store and how to let go of its client. */
interface OpenedStore {
  store: SessionStore;
  close(): Promise<void>;
}

async function openStore(store: StoreConfig): Promise<OpenedStore> {
  switch (store.kind) {
    case "redis": {
      const { Redis } = await import("ioredis");
      const { redisStore } = await import("@sessionkit/store-redis");
      const client = new Redis(store.url, { maxRetriesPerRequest: 2 });
      client.on("error", (error) => report("redis client error", error));
      return {
        store: redisStore(client, { prefix: store.prefix }),
        async close() {
          await client.quit().catch(() => client.disconnect());
        },
      };
    }
    case "prisma": {
      const { default: pg } = await import("pg");
      const { PrismaPg } = await import("@prisma/adapter-pg");
      const { prismaStore } = await import("@sessionkit/store-prisma");
      // The client store-prisma's tests generate from the shipped PostgreSQL model (global setup).
      const { PrismaClient } = await import(
        "../../../packages/store-prisma/test/generated/postgresql/client/client.ts"
      );
      const pool = new pg.Pool({ connectionString: store.url, max: 8 });
      pool.on("error", (error) => report("pg pool error", error));
      const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: store.schema }) });
      return {
        store: prismaStore(prisma),
        async close() {
          await prisma.$disconnect();
          await pool.end().catch(() => {});
        },
      };
    }
    case "dynamodb": {
      const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
      const { dynamoDbStore } = await import("@sessionkit/store-dynamodb");
      const client = new DynamoDBClient({
        endpoint: store.endpoint,
        region: store.region,
        credentials: store.credentials,
      });
      return {
        store: dynamoDbStore(client, { tableName: store.tableName }),
        async close() {
          client.destroy();
        },
      };
    }
  }
}

/** The request as the app behind a proxy sees it: the public origin, this request's path. */
async function toNextRequest(request: IncomingMessage, appBaseUrl: string): Promise<NextRequest> {
  const headers = new Headers();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value === undefined || /^(host|connection|content-length|transfer-encoding)$/i.test(key))
      continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(key, item);
  }
  const method = request.method ?? "GET";
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    body = new Uint8Array(Buffer.concat(chunks));
  }
  return new NextRequest(new URL(request.url ?? "/", appBaseUrl), {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

/**
 * The app's own route `GET /api/token[?refresh=1]`: what a route handler does with
 * `auth.getAccessToken(request, response, { refresh })`, answered as JSON like the built-in route.
 */
async function appTokenRoute(auth: Auth, request: NextRequest): Promise<Response> {
  const cookies = new Response(null);
  try {
    const token = await auth.getAccessToken(request, cookies, {
      refresh: request.nextUrl.searchParams.get("refresh") === "1",
    });
    const result =
      token === null
        ? Response.json({ error: "not_signed_in" }, { status: 401 })
        : Response.json(token);
    for (const cookie of cookies.headers.getSetCookie())
      result.headers.append("set-cookie", cookie);
    return result;
  } catch (error) {
    const status = isAuthError(error) ? error.status : 500;
    if (status >= 500) report("getAccessToken failed", error);
    const code = isAuthError(error) ? error.code : "unexpected";
    return Response.json({ error: code }, { status });
  }
}

async function answer(auth: Auth, request: IncomingMessage, response: ServerResponse) {
  const nextRequest = await toNextRequest(request, config!.auth.appBaseUrl);
  let result: Response = await auth.middleware(nextRequest);
  // Not an auth route: the middleware let the request through to the app.
  let passedThrough = isPassThrough(result);
  if (passedThrough && nextRequest.nextUrl.pathname === "/api/token") {
    // As in a Next app: the middleware's cookies (a rolled session) go out with the route's answer.
    result = mergeAuthResponse(result, await appTokenRoute(auth, nextRequest));
    passedThrough = false;
  }
  // Any other page of this app is empty.
  const status = passedThrough ? 200 : result.status;
  const headers: Record<string, string | string[]> = {};
  result.headers.forEach((value, key) => {
    if (key !== "set-cookie" && !key.startsWith("x-middleware-")) headers[key] = value;
  });
  const cookies = result.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const body = passedThrough ? Buffer.alloc(0) : Buffer.from(await result.arrayBuffer());
  response.writeHead(status, headers);
  response.end(body);
}

const tag = (value: unknown) =>
  typeof value === "string" ? `${value.slice(0, 8)}…` : String(value);
const refreshTag = (session: unknown) =>
  tag((session as { tokenSet?: { refreshToken?: string } } | null)?.tokenSet?.refreshToken);

/**
 * The store, with each call that decides who spends a refresh token written to this process's log
 * (time in ms, the session's refresh token as read or written): failure messages quote it.
 */
function traced(store: SessionStore): SessionStore {
  const line = (text: string) =>
    process.stderr.write(`[${name}] ${String(Date.now() % 1_000_000).padStart(6)} ${text}\n`);
  const traceable = new Set([
    "get",
    "update",
    "touch",
    "acquireRefreshLease",
    "releaseRefreshLease",
  ]);
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof key !== "string" || !traceable.has(key) || typeof value !== "function")
        return value;
      return async (...args: unknown[]) => {
        const id = tag(args[0]);
        const given = key === "update" ? ` rt=${refreshTag(args[1])}` : "";
        const holder = key.endsWith("RefreshLease") ? ` holder=${tag(args[1])}` : "";
        try {
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          const shown = key === "get" ? `rt=${refreshTag(result)}` : String(result);
          line(`${key}(${id}${given}${holder}) -> ${shown}`);
          return result;
        } catch (error) {
          line(`${key}(${id}${given}${holder}) threw ${(error as Error).message}`);
          throw error;
        }
      };
    },
  });
}

/** The store as createAuth sees it: without the extensions the config hides. */
function withHidden(store: SessionStore, hide: readonly string[]): SessionStore {
  const pairs: Record<string, string> = {
    acquireRefreshLease: "releaseRefreshLease",
    claimLogoutToken: "releaseLogoutToken",
  };
  const hidden = new Set(hide.flatMap((method) => [method, pairs[method] ?? method]));
  if (hidden.size === 0) return store;
  return new Proxy(store, {
    get: (target, key, receiver) =>
      typeof key === "string" && hidden.has(key) ? undefined : Reflect.get(target, key, receiver),
    has: (target, key) => !(typeof key === "string" && hidden.has(key)) && Reflect.has(target, key),
  });
}

const opened = await openStore(config.store);
const auth = createAuth({
  ...config.auth,
  sessionStore: withHidden(traced(opened.store), config.hide),
  env: {},
  logger: {
    warn: (message, ...details) => report(`warn: ${message}`, details[0]),
    error: (message, ...details) => report(`error: ${message}`, details[0]),
  },
});

const server = createServer((request, response) => {
  answer(auth, request, response).catch((error: unknown) => {
    report("request failed", error);
    if (!response.headersSent) response.writeHead(599, { "content-type": "text/plain" });
    response.end(`app-instance ${name}: ${error instanceof Error ? error.message : error}`);
  });
});
server.on("error", (error) => report("server error", error));
server.keepAliveTimeout = 1_000;
server.listen(0, "127.0.0.1");
await once(server, "listening");

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= (async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await opened.close().catch((error: unknown) => report("closing the store failed", error));
    process.exit(0);
  })();
  return stopping;
}
// The test process ends us on purpose (SIGTERM) or by dying (the IPC channel closes).
process.on("SIGTERM", () => void stop());
process.on("disconnect", () => void stop());

send({ type: "listening", port: (server.address() as AddressInfo).port });
