import { describe, expect, it } from "vitest";
import { createAuth } from "../src/create-auth.js";
import { expClaim } from "../src/session/expiry.js";
import { createSealer } from "../src/session/sealer.js";
import { generateSessionCookie } from "../src/testing/index.js";
import { deletes, makeSession, OTHER_SECRET, requestWith, SECRET } from "./helpers.js";

const auth = createAuth({ secret: SECRET });
const session = makeSession();
const good = await generateSessionCookie(session, { secret: SECRET });
const big = await generateSessionCookie(
  makeSession("alice", { extra: { blob: "y".repeat(7000) } }),
  {
    secret: SECRET,
  },
);
const chunk = (i: number) => big.slice(i * 3500, (i + 1) * 3500);
const flip = (s: string, at: number) =>
  s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
const sealRaw = (payload: Record<string, unknown>) => createSealer([SECRET]).seal(payload);

// Each entry: the request's cookies, all of which the response must delete.
const kinds: Record<string, () => Promise<Record<string, string> | string>> = {
  expired: async () => ({
    __session: await generateSessionCookie(makeSession("alice", { ttlMs: -1000 }), {
      secret: SECRET,
    }),
  }),
  "JWE exp passed although the session says otherwise": async () => ({
    __session: await sealRaw({ exp: expClaim(Date.now() - 5000), ses: session }),
  }),
  tampered: async () => ({ __session: flip(good, good.length - 30) }),
  "wrong key": async () => ({
    __session: await generateSessionCookie(session, { secret: OTHER_SECRET }),
  }),
  truncated: async () => ({ __session: good.slice(0, good.length - 12) }),
  "missing chunk": async () => ({ "__session.0": chunk(0), "__session.2": chunk(2) }),
  "extra chunk": async () => ({
    "__session.0": chunk(0),
    "__session.1": chunk(1),
    "__session.2": chunk(2),
    "__session.3": "AAAA",
  }),
  "chunks and a whole cookie at once": async () => ({ __session: good, "__session.0": chunk(0) }),
  "chunks out of order (one missing at the start)": async () => ({
    "__session.1": chunk(1),
    "__session.2": chunk(2),
  }),
  "not a JWE": async () => ({ __session: "hello-world" }),
  "a JWT, not a JWE": async () => ({ __session: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig" }),
  empty: async () => ({ __session: "" }),
  "not UTF-8 (percent-encoded bytes)": async () => ({ __session: "%FF%FE%80abc" }),
  "not UTF-8 (latin-1 bytes in the header)": async () =>
    `__session=${good.slice(0, 50)}\u00ff\u00fe${good.slice(52)}`,
  "absurdly long": async () => ({
    ...Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`__session.${i}`, "A".repeat(3500)]),
    ),
  }),
  "absurdly long single cookie": async () => ({ __session: "A".repeat(100_000) }),
  "valid JWE, wrong payload shape": async () => ({
    __session: await sealRaw({ exp: expClaim(Date.now() + 60_000), ses: { user: "nobody" } }),
  }),
  "valid JWE, store reference without a store": async () => ({
    __session: await sealRaw({ exp: expClaim(Date.now() + 60_000), ref: "abc" }),
  }),
  "valid JWE without exp": async () => ({ __session: await sealRaw({ ses: session }) }),
};

describe("a cookie that cannot be opened is no session, and the response deletes every session cookie", () => {
  for (const [kind, make] of Object.entries(kinds)) {
    it(kind, async () => {
      const cookies = await make();
      const request = () => requestWith(cookies);
      const names = typeof cookies === "string" ? ["__session"] : Object.keys(cookies);
      expect(await auth.getSession(request())).toBeNull();
      const response = await auth.middleware(request());
      expect(response.status).toBe(200);
      expect(deletes(response, names)).toBe(true);
      expect(response.headers.get("cache-control")).toBe("private, no-store");
    });
  }

  it("the good cookie itself opens (the cases above are not vacuous)", async () => {
    expect(await auth.getSession(requestWith({ __session: good }))).toEqual(session);
    const chunks = { "__session.0": chunk(0), "__session.1": chunk(1), "__session.2": chunk(2) };
    expect(big.length).toBeGreaterThan(2 * 3500);
    expect(big.length).toBeLessThanOrEqual(3 * 3500);
    expect(await auth.getSession(requestWith(chunks))).not.toBeNull();
  });
});
