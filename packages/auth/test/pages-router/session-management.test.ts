// listSessions(req), revokeSession(req, res, id) and revokeOtherSessions(req) from a node:http
// handler: a Pages Router "where am I signed in?" page and its API routes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { SessionInfo } from "../../src/session/session-management.js";
import { memoryStore } from "../../src/store/memory-store.js";
import type { SessionData } from "../../src/store/types.js";
import { SECRET } from "../helpers.js";
import {
  applyToJar,
  type NodeServer,
  resultOf,
  setCookieLines,
  startNodeServer,
} from "./node-server.js";

const ISS = "https://op.example/";

let server: NodeServer;

beforeAll(async () => {
  server = await startNodeServer();
});

afterAll(async () => {
  await server?.close();
});

function setup() {
  const auth = createAuth({ secret: SECRET, env: {}, sessionStore: memoryStore() });
  const signIn = async (sub: string, device: string) => {
    const response = await server.call((req, res) =>
      auth.saveSession(req, res, {
        user: { sub },
        tokenSet: { accessToken: `at-${sub}` },
        internal: { iss: ISS, sid: `sid-${device}` },
        device,
      }),
    );
    await resultOf(response);
    return applyToJar({}, response);
  };
  const list = async (jar: Record<string, string>) =>
    resultOf<SessionInfo[]>(await server.call((req) => auth.listSessions(req), { cookies: jar }));
  const sessionOf = async (jar: Record<string, string>) =>
    resultOf<SessionData | null>(
      await server.call((req) => auth.getSession(req), { cookies: jar }),
    );
  return { auth, signIn, list, sessionOf };
}

/** What a handler's thrown AuthError looks like in the test server's 500 body. */
async function errorCode(response: Response) {
  expect(response.status).toBe(500);
  return ((await response.json()) as { error: { code?: string } }).error.code;
}

describe("session management in the Pages Router", () => {
  it("listSessions(req) lists the user's sessions, the current one marked", async () => {
    const { signIn, list } = setup();
    const laptop = await signIn("alice", "laptop");
    await signIn("alice", "phone");
    await signIn("bob", "bobs-laptop");
    const sessions = await list(laptop);
    expect(sessions.map((s) => [s.fields.device, s.current]).sort()).toEqual([
      ["laptop", true],
      ["phone", false],
    ]);
  });

  it("revokeSession(req, res, id) of another device ends it and writes no cookie; of the current one clears the cookies on res", async () => {
    const { auth, signIn, list, sessionOf } = setup();
    const laptop = await signIn("alice", "laptop");
    const phone = await signIn("alice", "phone");
    const phoneId = (await list(laptop)).find((s) => !s.current)!.id;

    const other = await server.call((req, res) => auth.revokeSession(req, res, phoneId), {
      cookies: laptop,
    });
    await resultOf(other);
    expect(other.headers.getSetCookie()).toEqual([]);
    expect(await sessionOf(phone), "the phone is signed out").toBeNull();
    expect(await sessionOf(laptop)).not.toBeNull();

    const currentId = (await list(laptop))[0]!.id;
    const current = await server.call((req, res) => auth.revokeSession(req, res, currentId), {
      cookies: laptop,
    });
    await resultOf(current);
    expect(setCookieLines(current)).toContainEqual(
      expect.objectContaining({ name: "__session", value: "", maxAge: 0 }),
    );
    expect(current.headers.get("cache-control")).toBe("private, no-store");
    expect(await sessionOf(laptop)).toBeNull();
  });

  it("revokeSession(req, res, id) refuses another user's id with AUTH_SESSION_NOT_FOUND", async () => {
    const { auth, signIn, list, sessionOf } = setup();
    const alice = await signIn("alice", "laptop");
    const bob = await signIn("bob", "bobs-laptop");
    const bobsId = (await list(bob))[0]!.id;
    const response = await server.call((req, res) => auth.revokeSession(req, res, bobsId), {
      cookies: alice,
    });
    expect(await errorCode(response)).toBe("AUTH_SESSION_NOT_FOUND");
    expect(await sessionOf(bob)).not.toBeNull();
  });

  it("revokeOtherSessions(req) keeps only the current session", async () => {
    const { auth, signIn, list, sessionOf } = setup();
    const laptop = await signIn("alice", "laptop");
    const phone = await signIn("alice", "phone");
    const tablet = await signIn("alice", "tablet");
    const ended = await server.call((req) => auth.revokeOtherSessions(req), { cookies: laptop });
    expect(await resultOf(ended)).toBe(2);
    expect(await sessionOf(phone)).toBeNull();
    expect(await sessionOf(tablet)).toBeNull();
    expect((await list(laptop)).map((s) => s.fields.device)).toEqual(["laptop"]);
  });

  it("signed out, the helpers throw AUTH_SESSION_MISSING (an API route answers 401 from it)", async () => {
    const { auth } = setup();
    for (const call of [
      (req: Parameters<typeof auth.listSessions>[0]) => auth.listSessions(req),
      (req: Parameters<typeof auth.revokeOtherSessions>[0]) => auth.revokeOtherSessions(req),
    ]) {
      const response = await server.call((req) => call(req), {
        cookies: { __session: "garbage" },
      });
      expect(await errorCode(response)).toBe("AUTH_SESSION_MISSING");
    }
  });
});
