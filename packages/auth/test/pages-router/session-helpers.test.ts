// The session helpers called with the real IncomingMessage / ServerResponse of a node:http
// server, as the Pages Router hands them over in getServerSideProps (ctx.req, ctx.res) and
// API routes (NextApiRequest, NextApiResponse are those objects, extended).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GetServerSidePropsContext, NextApiRequest, NextApiResponse } from "next";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import { memoryStore } from "../../src/store/memory-store.js";
import type { SessionData } from "../../src/store/types.js";
import { generateSessionCookie } from "../../src/testing/generate-session-cookie.js";
import { SECRET } from "../helpers.js";
import {
  applyToJar,
  type NodeServer,
  resultOf,
  setCookieLines,
  startNodeServer,
} from "./node-server.js";

const ISS = "https://op.example/";
const newSession = (sub = "alice", extra: Record<string, unknown> = {}) => ({
  user: { sub, name: "Alice Liddell" },
  tokenSet: { accessToken: `at-${sub}`, expiresAt: Date.now() + 600_000 },
  internal: { iss: ISS, sid: `sid-${sub}` },
  ...extra,
});

let server: NodeServer;

beforeAll(async () => {
  server = await startNodeServer();
});

afterAll(async () => {
  await server?.close();
});

/** The stateless and the stateful way: every behaviour below holds for both. */
const setups = {
  stateless: () => ({ auth: createAuth({ secret: SECRET, env: {} }), store: undefined }),
  stateful: () => {
    const store = memoryStore();
    return { auth: createAuth({ secret: SECRET, env: {}, sessionStore: store }), store };
  },
};

/** Signs in through saveSession(req, res, session) on the Node server; answers the browser's jar. */
async function signIn(auth: ReturnType<typeof createAuth>, sub = "alice") {
  const response = await server.call((req, res) => auth.saveSession(req, res, newSession(sub)));
  await resultOf(response);
  return applyToJar({}, response);
}

const byName = (response: Response, name: string) =>
  setCookieLines(response).filter((cookie) => cookie.name === name);

describe.each(Object.entries(setups))("Pages Router session helpers (%s)", (_, setup) => {
  it("saveSession(req, res) signs in; getSession(req) and getSession(req, res) read it and write nothing", async () => {
    const { auth } = setup();
    const saved = await server.call((req, res) => auth.saveSession(req, res, newSession()));
    await resultOf(saved);
    expect(byName(saved, "__session")[0]?.value).not.toBe("");
    expect(saved.headers.get("cache-control")).toBe("private, no-store");
    const jar = applyToJar({}, saved);

    for (const withResponse of [false, true]) {
      const read = await server.call(
        (req, res) => auth.getSession(req, withResponse ? res : undefined),
        { cookies: jar },
      );
      expect(await resultOf<SessionData>(read)).toMatchObject({
        user: { sub: "alice", name: "Alice Liddell" },
        internal: { iss: ISS, sid: "sid-alice" },
      });
      expect(read.headers.getSetCookie(), "a good session is read, not rewritten").toEqual([]);
      expect(read.headers.get("cache-control")).toBeNull();
    }
  });

  it("getSession(req, res) with a tampered cookie: null, every session cookie cleared on res, not cacheable", async () => {
    const { auth } = setup();
    const jar = await signIn(auth);
    const value = jar.__session!;
    const tampered = `${value.slice(0, 40)}${value[40] === "A" ? "B" : "A"}${value.slice(41)}`;
    const response = await server.call((req, res) => auth.getSession(req, res), {
      cookies: { __session: tampered, "__session.1": "stray-chunk", theme: "dark" },
    });
    expect(await resultOf(response)).toBeNull();
    const cleared = setCookieLines(response);
    const names = cleared.map((cookie) => cookie.name);
    expect(names).toEqual(expect.arrayContaining(["__session", "__session.1"]));
    expect(
      names.every((name) => name.startsWith("__session")),
      "only session cookies",
    ).toBe(true);
    for (const cookie of cleared) {
      expect(cookie.value).toBe("");
      expect(cookie.maxAge).toBe(0);
      expect(cookie.httpOnly).toBe(true);
    }
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("getSession(req) without res cannot clear a bad cookie, and still answers null", async () => {
    const { auth } = setup();
    const response = await server.call((req) => auth.getSession(req), {
      cookies: { __session: "not-a-session" },
    });
    expect(await resultOf(response)).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("keeps the Set-Cookie headers the app set before (one string or a list)", async () => {
    const { auth } = setup();
    for (const before of ["theme=dark; Path=/", ["theme=dark; Path=/", "lang=en; Path=/"]]) {
      const response = await server.call(
        async (req, res) => {
          res.setHeader("set-cookie", before);
          await auth.saveSession(req, res, newSession());
        },
        { cookies: {} },
      );
      await resultOf(response);
      const kept = Array.isArray(before) ? before : [before];
      const lines = response.headers.getSetCookie();
      expect(lines.slice(0, kept.length), "the app's cookies, first and unchanged").toEqual(kept);
      expect(
        setCookieLines(response)
          .slice(kept.length)
          .map((c) => c.name),
      ).toContain("__session");
    }
  });

  it("updateSession(req, res, update) writes the new data onto res (a value or a function of the current one)", async () => {
    const { auth, store } = setup();
    let jar = await signIn(auth);
    const first = await server.call(
      (req, res) => auth.updateSession(req, res, (current) => ({ ...current, plan: "pro" })),
      { cookies: jar },
    );
    await resultOf(first);
    expect(first.headers.get("cache-control")).toBe("private, no-store");
    if (!store) expect(byName(first, "__session")[0]?.value, "the re-sealed cookie").toBeTruthy();
    jar = applyToJar(jar, first);
    const read = await server.call((req) => auth.getSession(req), { cookies: jar });
    const session = await resultOf<SessionData>(read);
    expect(session.plan).toBe("pro");

    const second = await server.call(
      (req, res) => auth.updateSession(req, res, { ...session, plan: "team" }),
      { cookies: jar },
    );
    await resultOf(second);
    jar = applyToJar(jar, second);
    const again = await server.call((req) => auth.getSession(req), { cookies: jar });
    expect((await resultOf<SessionData>(again)).plan).toBe("team");
  });

  it("deleteSession(req, res) ends the session: every session cookie cleared on res (and the store record gone)", async () => {
    const { auth } = setup();
    const jar = await signIn(auth);
    const response = await server.call((req, res) => auth.deleteSession(req, res), {
      cookies: jar,
    });
    await resultOf(response);
    expect(byName(response, "__session")).toEqual([
      expect.objectContaining({ value: "", maxAge: 0 }),
    ]);
    // The old cookie, replayed, is no session any more when a store held it.
    const replayed = await server.call((req) => auth.getSession(req), { cookies: jar });
    const after = await resultOf(replayed);
    if (_ === "stateful") expect(after).toBeNull();
    const emptied = applyToJar(jar, response);
    expect(emptied).toEqual({});
  });
});

describe("Pages Router responses", () => {
  it("a cookie write after the headers went out throws AUTH_INVALID_ARGUMENT instead of losing it", async () => {
    const { auth } = setups.stateless();
    const response = await server.call(async (req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.flushHeaders();
      try {
        await auth.saveSession(req, res, newSession());
        res.end(JSON.stringify({ thrown: null }));
      } catch (error) {
        res.end(JSON.stringify({ thrown: (error as { code?: string }).code }));
      }
    });
    expect(await response.json()).toEqual({ thrown: "AUTH_INVALID_ARGUMENT" });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("cookies are Secure unless the request came over http to a loopback host (without appBaseUrl)", async () => {
    const auth = createAuth({ secret: SECRET, env: {} });
    // fetch will not send another Host, so the handler sets it on the real request object.
    const secureWith = async (host: string | undefined) => {
      const response = await server.call((req, res) => {
        if (host !== undefined) req.headers.host = host;
        return auth.saveSession(req, res, newSession());
      });
      await resultOf(response);
      return byName(response, "__session")[0]?.secure === true;
    };
    expect(await secureWith(undefined), "fetch sends 127.0.0.1:port").toBe(false);
    expect(await secureWith("localhost:3000")).toBe(false);
    expect(await secureWith("app.example.com")).toBe(true);
    const configured = createAuth({
      secret: SECRET,
      env: {},
      appBaseUrl: "https://app.example.com",
    });
    const response = await server.call((req, res) =>
      configured.saveSession(req, res, newSession()),
    );
    await resultOf(response);
    expect(byName(response, "__session")[0]?.secure).toBe(true);
  });

  it("trustProxy: X-Forwarded-Proto https makes cookies Secure, for Node and Web requests alike", async () => {
    const saveWith = async (trustProxy: boolean, proto: string | undefined) => {
      const auth = createAuth({ secret: SECRET, env: {}, trustProxy });
      const headers: Record<string, string> = proto ? { "x-forwarded-proto": proto } : {};
      const node = await server.call((req, res) => auth.saveSession(req, res, newSession()), {
        headers,
      });
      await resultOf(node);
      const web = new Response(null);
      await auth.saveSession(new Request("http://localhost:3000/", { headers }), web, newSession());
      const webCookie = web.headers.getSetCookie().find((line) => line.startsWith("__session="));
      return {
        node: byName(node, "__session")[0]?.secure === true,
        web: /; Secure/.test(webCookie ?? ""),
      };
    };
    expect(await saveWith(true, "https")).toEqual({ node: true, web: true });
    expect(await saveWith(true, "https, http"), "the client-facing hop").toEqual({
      node: true,
      web: true,
    });
    expect(await saveWith(false, "https"), "a client could send it").toEqual({
      node: false,
      web: false,
    });
    expect(await saveWith(true, undefined)).toEqual({ node: false, web: false });
  });

  it("a session cookie from @sessionkit/auth/testing reads the same through Node as through a Web Request", async () => {
    const auth = createAuth({ secret: SECRET, env: {} });
    const cookie = await generateSessionCookie(newSession("bob"), { secret: SECRET });
    const node = await resultOf<SessionData>(
      await server.call((req) => auth.getSession(req), { cookies: { __session: cookie } }),
    );
    const web = await auth.getSession(
      new Request("https://app.example.com/", { headers: { cookie: `__session=${cookie}` } }),
    );
    expect(node).toEqual(web);
    expect(node.user.sub).toBe("bob");
  });

  it("a Web Request with a Web Response: getSession clears a bad cookie on it too", async () => {
    const auth = createAuth({ secret: SECRET, env: {} });
    const response = new Response(null);
    const session = await auth.getSession(
      new Request("https://app.example.com/", { headers: { cookie: "__session=garbage" } }),
      response,
    );
    expect(session).toBeNull();
    expect(response.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(/^__session=; Path=\/; Max-Age=0; /),
    );
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });
});

describe("types: the Pages Router's own objects go in without casts", () => {
  it("NextApiRequest / NextApiResponse and getServerSideProps' ctx type-check against every helper", () => {
    const auth = createAuth({ secret: SECRET, env: {}, sessionStore: memoryStore() });
    // Never called: this compiles (pnpm exec tsc) or the test file does not.
    const apiRoute = async (req: NextApiRequest, res: NextApiResponse) => {
      await auth.getSession(req, res);
      await auth.getAccessToken(req, res, { refresh: true });
      await auth.getAccessToken(req);
      await auth.updateSession(req, res, (session) => session);
      await auth.saveSession(req, res, newSession());
      await auth.deleteSession(req, res);
      await auth.listSessions(req);
      await auth.revokeSession(req, res, "id");
      await auth.revokeOtherSessions(req);
    };
    const page = async (ctx: GetServerSidePropsContext) => auth.getSession(ctx.req, ctx.res);
    const plain = async (req: IncomingMessage, res: ServerResponse) => auth.getSession(req, res);
    expect([apiRoute, page, plain].every((fn) => typeof fn === "function")).toBe(true);
  });
});
