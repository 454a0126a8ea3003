import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import { isAuthError } from "../../src/errors.js";
import {
  findSessionCookie,
  MAX_SESSION_COOKIE_BYTES,
  sessionCookieWrites,
} from "../../src/session/session-cookies.js";
import { requestWith, SECRET, setCookies } from "../helpers.js";

// Issue 14, item 3: stale chunks were cleared only when the request carried them, so two racing
// responses could leave a mixed set; a session too large to carry back was written anyway.
const auth = createAuth({ secret: SECRET, env: {}, logger: { warn() {}, error() {} } });
const newSession = (sub: string, blobBytes: number) => ({
  user: { sub },
  tokenSet: {},
  internal: { iss: "https://op.example/" },
  blob: Array.from({ length: blobBytes }, (_, i) => "abcdefghij"[(i * 7) % 10]).join(""),
});

/** Saves a session for a request carrying `jar`; answers the browser's jar after the response. */
async function save(jar: Map<string, string>, sub: string, blobBytes: number) {
  const response = new Response(null);
  await auth.saveSession(
    requestWith(Object.fromEntries(jar)),
    response,
    newSession(sub, blobBytes),
  );
  return response;
}

function apply(jar: Map<string, string>, response: Response) {
  for (const [name, cookie] of setCookies(response)) {
    if (cookie.value === "" || cookie.maxAge === 0) jar.delete(name);
    else jar.set(name, cookie.value);
  }
}

describe("session cookie chunks", () => {
  it("two racing responses (3 chunks, then 2) leave the last one's session readable", async () => {
    const jar = new Map<string, string>();
    // Both requests left the browser before either answer came back: neither carried chunks.
    const long = await save(new Map(jar), "long", 9000);
    const short = await save(new Map(jar), "short", 5000);
    apply(jar, long);
    apply(jar, short);
    const chunksOf = (response: Response) =>
      [...setCookies(response)].filter(([, c]) => c.value !== "").map(([name]) => name);
    expect(chunksOf(long).length).toBeGreaterThan(chunksOf(short).length);
    expect(chunksOf(short).length).toBeGreaterThan(1);
    // The browser holds the short set plus the long set's last chunk(s), which nothing deleted.
    expect([...jar.keys()].sort()).toEqual(chunksOf(long).sort());
    const session = await auth.getSession(requestWith(Object.fromEntries(jar)));
    expect(session?.user.sub).toBe("short");
  });

  it("of a whole cookie and a chunk set written by racing responses, the last one wins", async () => {
    const chunked = await save(new Map(), "long", 9000);
    const whole = await save(new Map(), "small", 10);
    const wholeLast = new Map<string, string>();
    apply(wholeLast, chunked);
    apply(wholeLast, whole);
    expect(wholeLast.has("__session.0")).toBe(true);
    const read = (jar: Map<string, string>) =>
      auth.getSession(requestWith(Object.fromEntries(jar)));
    expect((await read(wholeLast))?.user.sub).toBe("small");
    // The leftover chunks go with the next write.
    apply(wholeLast, await save(wholeLast, "small", 10));
    expect([...wholeLast.keys()]).toEqual(["__session"]);

    const chunksLast = new Map<string, string>();
    apply(chunksLast, whole);
    apply(chunksLast, chunked);
    expect(setCookies(chunked).get("__session")).toMatchObject({ value: "", maxAge: 0 });
    expect((await read(chunksLast))?.user.sub).toBe("long");
  });

  it("a mixed set is no session: cleared once, never a loop", async () => {
    const a = setCookies(await save(new Map(), "a", 9000));
    const b = setCookies(await save(new Map(), "b", 9000));
    const mixed = {
      "__session.0": a.get("__session.0")!.value,
      "__session.1": b.get("__session.1")!.value,
      "__session.2": a.get("__session.2")!.value,
    };
    expect(findSessionCookie(mixed, "__session")?.value).toBeNull();
    expect(await auth.getSession(requestWith(mixed))).toBeNull();
    const jar = new Map(Object.entries(mixed));
    apply(jar, await auth.middleware(requestWith(mixed)));
    expect(jar.size).toBe(0);
    const after = await auth.middleware(requestWith(Object.fromEntries(jar)));
    expect(after.headers.getSetCookie()).toEqual([]);
  });

  it("a session too large to carry back is refused with AUTH_SESSION_TOO_LARGE, nothing written", async () => {
    const response = new Response(null);
    const error = await auth
      .saveSession(requestWith({}), response, newSession("big", 20_000))
      .catch((caught: unknown) => caught);
    expect(isAuthError(error, "AUTH_SESSION_TOO_LARGE")).toBe(true);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(() =>
      sessionCookieWrites("__session", "A".repeat(MAX_SESSION_COOKIE_BYTES), 60, []),
    ).toThrow(/more than its cookies can carry back/);
  });

  it("the largest session it writes fits under Node's 16 KiB header limit, and reads back", async () => {
    const value = "A".repeat(MAX_SESSION_COOKIE_BYTES - 200);
    const writes = sessionCookieWrites("__session", value, 60, []);
    const header = writes
      .filter((w) => w.value !== "")
      .map((w) => `${w.name}=${w.value}`)
      .join("; ");
    expect(Buffer.byteLength(header)).toBeLessThan(16 * 1024 - 1024);
    const jar = Object.fromEntries(
      writes.filter((w) => w.value !== "").map((w) => [w.name, w.value]),
    );
    expect(findSessionCookie(jar, "__session")?.value).toBe(value);
  });
});
