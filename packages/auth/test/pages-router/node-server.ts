import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseSetCookie } from "cookie";

/** What a test's handler does with the real Node request and response; it may end the response itself. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<unknown>;

/** A `node:http` server on a free loopback port that runs whatever handler the test gives it. */
export interface NodeServer {
  url: string;
  /**
   * Sends one request to the server, whose handler is `handler`: its result is answered as JSON
   * (unless it ended the response), a throw as 500 with `{ error: { name, code, message } }`.
   */
  call(
    handler: NodeHandler,
    init?: { cookies?: Record<string, string> | string; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startNodeServer(): Promise<NodeServer> {
  let current: NodeHandler | undefined;
  const server = createServer(async (req, res) => {
    const handler = current;
    try {
      if (!handler) throw new Error("no handler");
      const result = await handler(req, res);
      if (!res.writableEnded) {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ result: result ?? null }));
      }
    } catch (error) {
      const { name, code, message } = error as { name?: string; code?: string; message?: string };
      if (!res.headersSent) res.statusCode = 500;
      res.end(JSON.stringify({ error: { name, code, message } }));
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // One request at a time, so `current` is the handler of the request in flight.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    url,
    call(handler, init = {}) {
      const run = async () => {
        current = handler;
        const headers = new Headers(init.headers);
        const { cookies } = init;
        const cookie =
          typeof cookies === "string"
            ? cookies
            : Object.entries(cookies ?? {})
                .map(([name, value]) => `${name}=${value}`)
                .join("; ");
        if (cookie) headers.set("cookie", cookie);
        return fetch(`${url}/api/test`, { headers });
      };
      const next = queue.then(run, run);
      queue = next.catch(() => {});
      return next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The body a handler's result was answered with. */
export async function resultOf<T>(response: Response): Promise<T> {
  const body = (await response.json()) as { result?: T; error?: unknown };
  if (response.status !== 200) throw new Error(`the handler failed: ${JSON.stringify(body)}`);
  return body.result as T;
}

/** The raw `Set-Cookie` lines of a response, parsed in order. */
export function setCookieLines(response: Response) {
  return response.headers.getSetCookie().map((line) => parseSetCookie(line));
}

/** The cookie values a browser would keep after `response`, starting from `jar`. */
export function applyToJar(
  jar: Record<string, string>,
  response: Response,
): Record<string, string> {
  const next = { ...jar };
  for (const cookie of setCookieLines(response)) {
    if (cookie.value === "" || cookie.maxAge === 0) delete next[cookie.name];
    else next[cookie.name] = cookie.value ?? "";
  }
  return next;
}
