import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/options.js";
import { SECRET } from "../helpers.js";
import { appBrowser } from "../routes/app.js";
import { fakeProvider } from "./fake-provider.js";

const APP = "https://app.example.com";

// Issue 14, item 7: an app sending `max_age` (statically or as an allowed login parameter) had the
// ID token's `auth_time` never checked: a session from a sign-in of last week passed.
async function signIn(
  options: Partial<AuthOptions>,
  authTime: number | undefined,
  query = "",
): Promise<{ status: number; body: string; maxAgeSent: string | null }> {
  let nonce = "";
  const op = await fakeProvider("https://op.example.com/", async () => {
    const now = Math.floor(Date.now() / 1000);
    const idToken = await op.idToken({
      iss: op.issuer,
      aud: "client",
      sub: "user-1",
      iat: now,
      exp: now + 300,
      nonce,
      ...(authTime === undefined ? {} : { auth_time: authTime }),
    });
    return Response.json({
      access_token: "at",
      token_type: "Bearer",
      expires_in: 300,
      id_token: idToken,
    });
  });
  const auth = createAuth({
    secret: SECRET,
    issuer: op.issuer,
    clientId: "client",
    clientSecret: "client-secret",
    appBaseUrl: APP,
    fetch: op.fetch,
    logger: { warn() {}, error() {} },
    env: {},
    ...options,
  });
  const app = appBrowser(auth, APP);
  const start = await app.get(`/auth/login${query}`);
  const authorize = new URL(start.headers.get("location")!);
  nonce = authorize.searchParams.get("nonce")!;
  const state = authorize.searchParams.get("state")!;
  const callback = await app.get(`/auth/callback?code=abc&state=${state}`);
  return {
    status: callback.status,
    body: await callback.text(),
    maxAgeSent: authorize.searchParams.get("max_age"),
  };
}

const ago = (seconds: number) => Math.floor(Date.now() / 1000) - seconds;

describe("max_age", () => {
  it("from authorizationParameters: an auth_time older than max_age is refused", async () => {
    const result = await signIn({ authorizationParameters: { max_age: "60" } }, ago(3600));
    expect(result.maxAgeSent).toBe("60");
    expect(result.status).toBe(400);
    expect(result.body).toContain("max_age_exceeded");
  });

  it("from an allowed login parameter: the same check", async () => {
    const options = { allowedLoginParameters: ["max_age"] };
    const stale = await signIn(options, ago(3600), "?max_age=60");
    expect(stale.status).toBe(400);
    expect(stale.body).toContain("max_age_exceeded");
    expect((await signIn(options, ago(10), "?max_age=60")).status).toBe(302);
  });

  it("an ID token without auth_time is refused when max_age was sent", async () => {
    const result = await signIn({ authorizationParameters: { max_age: "60" } }, undefined);
    expect(result.status).toBe(400);
    expect(result.body).toContain("auth_time_missing");
  });

  it("a recent enough auth_time signs in; without max_age auth_time is not required", async () => {
    expect((await signIn({ authorizationParameters: { max_age: "7200" } }, ago(3600))).status).toBe(
      302,
    );
    expect((await signIn({}, undefined)).status).toBe(302);
  });

  it("a max_age that is not a whole number of seconds is not sent", async () => {
    const options = { allowedLoginParameters: ["max_age"] };
    const result = await signIn(options, undefined, "?max_age=soon");
    expect(result.maxAgeSent).toBeNull();
    expect(result.status).toBe(302);
  });
});
