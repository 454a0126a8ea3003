// getAccessToken(req, res) from a node:http handler, against a real OpenID Provider
// (oidc-provider, which rotates refresh tokens: a refresh not written back breaks the next one).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessToken } from "../../src/access-token.js";
import type { SessionData } from "../../src/store/types.js";
import { startTestProvider, type TestProvider } from "../oidc/provider.js";
import { appBrowser, authFor, login, watchedStore } from "../routes/app.js";
import {
  applyToJar,
  type NodeServer,
  resultOf,
  setCookieLines,
  startNodeServer,
} from "./node-server.js";

let op: TestProvider;
let server: NodeServer;

beforeAll(async () => {
  [op, server] = await Promise.all([startTestProvider({ accessTokenTtl: 60 }), startNodeServer()]);
});

afterAll(async () => {
  await Promise.all([op?.close(), server?.close()]);
});

/** Signs `accountId` in through the app's own routes; answers the browser's cookies. */
async function signedIn(auth: ReturnType<typeof authFor>, accountId: string) {
  const app = appBrowser(auth, op.appBaseUrl);
  await login(app, op, { accountId });
  return Object.fromEntries(app.cookies);
}

const sessionOf = async (auth: ReturnType<typeof authFor>, jar: Record<string, string>) =>
  resultOf<SessionData | null>(await server.call((req) => auth.getSession(req), { cookies: jar }));

describe("getAccessToken(req, res) in a Pages Router API route", () => {
  it("stateless: a refresh is written onto res, and the next refresh spends the new refresh token", async () => {
    const auth = authFor(op);
    let jar = await signedIn(auth, "pages-ann");
    const before = (await sessionOf(auth, jar))!;

    const tokens: string[] = [];
    for (let round = 0; round < 2; round += 1) {
      const response = await server.call(
        (req, res) => auth.getAccessToken(req, res, { refresh: true }),
        { cookies: jar },
      );
      const token = await resultOf<AccessToken>(response);
      expect(response.headers.get("cache-control")).toBe("private, no-store");
      const written = setCookieLines(response).filter((c) => c.name.startsWith("__session"));
      expect(written.length, "the re-sealed session cookie").toBeGreaterThan(0);
      jar = applyToJar(jar, response);
      const after = (await sessionOf(auth, jar))!;
      expect(after.tokenSet.accessToken).toBe(token.token);
      tokens.push(token.token);
    }
    expect(new Set([before.tokenSet.accessToken, ...tokens]).size).toBe(3);
  });

  it("stateful: the refreshed token set is in the store; the cookie (an id) needs no rewrite", async () => {
    const store = watchedStore();
    const auth = authFor(op, { sessionStore: store });
    const jar = await signedIn(auth, "pages-bea");
    const [id, before] = Object.entries(await store.snapshot())[0]!;

    const response = await server.call(
      (req, res) => auth.getAccessToken(req, res, { refresh: true }),
      { cookies: jar },
    );
    const token = await resultOf<AccessToken>(response);
    const after = (await store.snapshot())[id]!;
    expect(after.tokenSet.accessToken).toBe(token.token);
    expect(after.tokenSet.accessToken).not.toBe(before.tokenSet.accessToken);
    expect(after.tokenSet.refreshToken).not.toBe(before.tokenSet.refreshToken);
    expect((await sessionOf(auth, applyToJar(jar, response)))?.tokenSet.accessToken).toBe(
      token.token,
    );
  });

  it("without res (getAccessToken(req)) answers a fresh token and writes nothing", async () => {
    // Tokens live 60 s: a 5 s buffer leaves this one fresh.
    const auth = authFor(op, { refreshBuffer: 5 });
    const jar = await signedIn(auth, "pages-cal");
    const session = (await sessionOf(auth, jar))!;
    const response = await server.call((req) => auth.getAccessToken(req), { cookies: jar });
    expect((await resultOf<AccessToken>(response)).token).toBe(session.tokenSet.accessToken);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("a tampered cookie: null, and its cookies cleared on res", async () => {
    const auth = authFor(op);
    const response = await server.call((req, res) => auth.getAccessToken(req, res), {
      cookies: { __session: "eyJ.tampered.not-a-jwe" },
    });
    expect(await resultOf(response)).toBeNull();
    expect(setCookieLines(response)).toContainEqual(
      expect.objectContaining({ name: "__session", value: "", maxAge: 0 }),
    );
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("signed out: null, nothing written", async () => {
    const auth = authFor(op);
    const response = await server.call((req, res) => auth.getAccessToken(req, res));
    expect(await resultOf(response)).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("a refused refresh (a spent refresh token) throws OIDC_REFRESH_REJECTED", async () => {
    const auth = authFor(op);
    const jar = await signedIn(auth, "pages-dan");
    // Spend the refresh token once elsewhere; the old cookie then holds a used one.
    const first = await server.call(
      (req, res) => auth.getAccessToken(req, res, { refresh: true }),
      { cookies: jar },
    );
    await resultOf(first);
    const replay = await server.call(
      async (req, res) => {
        try {
          await auth.getAccessToken(req, res, { refresh: true });
          return { code: null };
        } catch (error) {
          return { code: (error as { code?: string }).code };
        }
      },
      { cookies: jar },
    );
    expect(await resultOf(replay)).toEqual({ code: "OIDC_REFRESH_REJECTED" });
  });
});
