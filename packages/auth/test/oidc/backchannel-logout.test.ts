import { generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleCallback } from "../../src/oidc/callback.js";
import { type OidcConfig, resolveOidcConfig } from "../../src/oidc/config.js";
import { createLoginRequest } from "../../src/oidc/login.js";
import { BACKCHANNEL_LOGOUT_EVENT, verifyLogoutToken } from "../../src/oidc/logout-token.js";
import { buildLogoutUrl } from "../../src/oidc/logout-url.js";
import { isOidcError, type OidcErrorCode } from "../../src/oidc/oidc-error.js";
import { memoryReplayStore } from "../../src/oidc/replay-cache.js";
import { memoryStore } from "../../src/store/index.js";
import type { LogoutTokenReplayStore } from "../../src/store/types.js";
import { forgeLogoutToken, logoutClaims, unsignedLogoutToken } from "./logout-tokens.js";
import { startTestProvider, type TestProvider } from "./provider.js";

let op: TestProvider;
let config: OidcConfig;

beforeAll(async () => {
  op = await startTestProvider();
  config = resolveOidcConfig(
    {
      issuer: op.issuer,
      clientId: op.clientId,
      clientSecret: op.clientSecret,
      appBaseUrl: op.appBaseUrl,
    },
    {},
  );
});

afterAll(async () => {
  await op?.close();
});

function formRequest(body: string | URLSearchParams, init: RequestInit = {}): Request {
  return new Request(`${op.appBaseUrl}/auth/backchannel-logout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
    ...init,
  });
}

const claims = (overrides: JWTPayload = {}) => logoutClaims(op, overrides);

/** Signs `payload` with the provider's own key, so only the claims decide. */
const forge = (
  payload: JWTPayload,
  header: { alg?: string; typ?: string; kid?: string } = {},
  key?: CryptoKey,
) => forgeLogoutToken(op, payload, header, key);

async function rejection(
  input: Request | string,
  code: OidcErrorCode,
  reason: string,
  replayStore: LogoutTokenReplayStore = memoryReplayStore(),
) {
  const error = await verifyLogoutToken(input, config, { replayStore }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isOidcError(error), `expected ${code}/${reason}, got ${String(error)}`).toBe(true);
  if (!isOidcError(error)) return;
  expect({ code: error.code, reason: error.reason }).toEqual({ code, reason });
  expect(error.status).toBeGreaterThanOrEqual(400);
  expect(error.status).toBeLessThan(500);
  return error;
}

describe("a logout token sent by the provider itself", () => {
  it("verifies, names the session's iss+sid+sub, ends it in a store, and cannot be replayed", async () => {
    const login = await createLoginRequest(config, {
      authorizationParameters: { prompt: "consent" },
    });
    const browser = op.browser();
    const callbackUrl = await browser.authorize(login.url, { accountId: "bob" });
    const { session } = await handleCallback(config, callbackUrl, login.transaction);
    const store = memoryStore();
    await store.set("hashed-session-id", session, { expiresAt: session.internal.expiresAt });

    const { url } = await buildLogoutUrl(config, { idToken: session.tokenSet.idToken! });
    const sent = op.backchannelRequests.length;
    await browser.endSession(url);
    expect(op.backchannelRequests.length).toBe(sent + 1);
    const captured = op.backchannelRequests.at(-1)!;
    expect(captured.method).toBe("POST");
    const toRequest = () =>
      formRequest(captured.body, {
        headers: { "content-type": captured.headers["content-type"] ?? "" },
      });

    const replayStore = memoryReplayStore();
    const verified = await verifyLogoutToken(toRequest(), config, { replayStore });
    expect(verified.iss).toBe(op.issuer);
    expect(verified.sub).toBe("bob");
    expect(verified.sid).toBe(session.internal.sid);
    expect(verified.jti).toEqual(expect.any(String));
    expect(verified.expiresAt).toBeGreaterThan(Date.now());

    const { jti: _jti, expiresAt: _expiresAt, ...logoutClaims } = verified;
    expect(await store.deleteByLogoutToken(logoutClaims)).toBe(1);
    expect(await store.get("hashed-session-id")).toBeNull();

    await rejection(toRequest(), "OIDC_LOGOUT_TOKEN_INVALID", "jti_replayed", replayStore);
  });
});

describe("forged logout tokens", () => {
  it("accepts a well-formed token signed with the provider's key (the control)", async () => {
    const verified = await verifyLogoutToken(await forge(claims()), config, {
      replayStore: memoryReplayStore(),
    });
    expect(verified).toMatchObject({ iss: op.issuer, sid: "sid-1", sub: "user-1" });
  });

  it("rejects alg none", async () => {
    await rejection(unsignedLogoutToken(claims()), "OIDC_LOGOUT_TOKEN_INVALID", "alg_not_allowed");
  });

  it("rejects HS256, even keyed with the client secret", async () => {
    const secret = new TextEncoder().encode(op.clientSecret);
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", typ: "logout+jwt" })
      .sign(secret);
    await rejection(token, "OIDC_LOGOUT_TOKEN_INVALID", "alg_not_allowed");
  });

  it("rejects a token signed with a foreign key", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    await rejection(
      await forge(claims(), { kid: "attacker-key" }, privateKey),
      "OIDC_LOGOUT_TOKEN_INVALID",
      "key_not_found",
    );
    // Same kid as the provider's key, different key: the signature fails.
    await rejection(
      await forge(claims(), {}, privateKey),
      "OIDC_LOGOUT_TOKEN_INVALID",
      "signature_invalid",
    );
  });

  it("rejects a tampered payload", async () => {
    const [header, , signature] = (await forge(claims())).split(".");
    const payload = Buffer.from(JSON.stringify(claims({ sub: "admin" }))).toString("base64url");
    await rejection(
      `${header}.${payload}.${signature}`,
      "OIDC_LOGOUT_TOKEN_INVALID",
      "signature_invalid",
    );
  });

  const cases: [string, JWTPayload, string, { typ?: string }?][] = [
    ["another issuer", { iss: "https://evil.example" }, "issuer_mismatch"],
    ["another audience", { aud: "another-client" }, "audience_mismatch"],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 3600 }, "expired"],
    ["no iat", { iat: undefined }, "iat_missing"],
    ["an iat in the future", { iat: Math.floor(Date.now() / 1000) + 3600 }, "iat_in_future"],
    ["an old iat", { iat: Math.floor(Date.now() / 1000) - 3600 }, "too_old"],
    ["no events", { events: undefined }, "events_invalid"],
    ["another event", { events: { "http://example.com/other": {} } }, "events_invalid"],
    [
      "an event that is not an object",
      { events: { [BACKCHANNEL_LOGOUT_EVENT]: "yes" } },
      "events_invalid",
    ],
    ["a nonce", { nonce: "n-0S6_WzA2Mj" }, "nonce_present"],
    ["neither sid nor sub", { sid: undefined, sub: undefined }, "sid_and_sub_missing"],
    ["a non-string sid", { sid: 42 }, "sid_invalid"],
    ["no jti", { jti: undefined }, "jti_missing"],
    ["a typ that names another kind of token", {}, "typ_invalid", { typ: "at+jwt" }],
  ];
  for (const [name, overrides, reason, header] of cases) {
    it(`rejects ${name}`, async () => {
      await rejection(await forge(claims(overrides), header), "OIDC_LOGOUT_TOKEN_INVALID", reason);
    });
  }

  it("accepts a token with only sid, or only sub", async () => {
    const replayStore = memoryReplayStore();
    const onlySid = await verifyLogoutToken(await forge(claims({ sub: undefined })), config, {
      replayStore,
    });
    expect(onlySid).toMatchObject({ sid: "sid-1" });
    expect(onlySid.sub).toBeUndefined();
    const onlySub = await verifyLogoutToken(await forge(claims({ sid: undefined })), config, {
      replayStore,
    });
    expect(onlySub).toMatchObject({ sub: "user-1" });
    expect(onlySub.sid).toBeUndefined();
  });

  it("rejects a replayed jti, and a bad token burns no jti", async () => {
    const replayStore = memoryReplayStore();
    const jti = crypto.randomUUID();
    await rejection(
      await forge(claims({ jti, aud: "another-client" })),
      "OIDC_LOGOUT_TOKEN_INVALID",
      "audience_mismatch",
      replayStore,
    );
    const token = await forge(claims({ jti }));
    await verifyLogoutToken(formRequest(new URLSearchParams({ logout_token: token })), config, {
      replayStore,
    });
    await rejection(
      formRequest(new URLSearchParams({ logout_token: token })),
      "OIDC_LOGOUT_TOKEN_INVALID",
      "jti_replayed",
      replayStore,
    );
  });

  it("rejects garbage", async () => {
    await rejection("not-a-jwt", "OIDC_LOGOUT_TOKEN_INVALID", "malformed");
    await rejection("a.b.c", "OIDC_LOGOUT_TOKEN_INVALID", "malformed");
  });
});

describe("the logout request", () => {
  it("rejects a GET", async () => {
    const token = await forge(claims());
    const error = await rejection(
      new Request(`${op.appBaseUrl}/auth/backchannel-logout?logout_token=${token}`),
      "OIDC_LOGOUT_REQUEST_INVALID",
      "method_not_allowed",
    );
    expect(error?.status).toBe(405);
  });

  it("rejects a body that is not form-encoded", async () => {
    const token = await forge(claims());
    await rejection(
      formRequest(JSON.stringify({ logout_token: token }), {
        headers: { "content-type": "application/json" },
      }),
      "OIDC_LOGOUT_REQUEST_INVALID",
      "unsupported_media_type",
    );
  });

  it("accepts a charset parameter on the content type", async () => {
    const token = await forge(claims());
    const verified = await verifyLogoutToken(
      formRequest(new URLSearchParams({ logout_token: token }).toString(), {
        headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" },
      }),
      config,
      { replayStore: memoryReplayStore() },
    );
    expect(verified.sid).toBe("sid-1");
  });

  it("rejects a form without logout_token, or with two", async () => {
    await rejection(formRequest("other=1"), "OIDC_LOGOUT_REQUEST_INVALID", "logout_token_missing");
    const token = await forge(claims());
    await rejection(
      formRequest(`logout_token=${token}&logout_token=${token}`),
      "OIDC_LOGOUT_REQUEST_INVALID",
      "logout_token_repeated",
    );
  });

  it("rejects a 1 MB body without reading all of it", async () => {
    const chunk = new Uint8Array(16 * 1024).fill(0x61);
    const total = 1024 * 1024;
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= total) {
            controller.close();
            return;
          }
          pulled += chunk.byteLength;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    const request = new Request(`${op.appBaseUrl}/auth/backchannel-logout`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
      duplex: "half",
    } as RequestInit);
    await rejection(request, "OIDC_LOGOUT_REQUEST_INVALID", "body_too_large");
    expect(pulled).toBeLessThanOrEqual(64 * 1024 + 3 * chunk.byteLength);
  });

  it("rejects a declared 1 MB body before reading it", async () => {
    const big = `logout_token=${"a".repeat(1024 * 1024)}`;
    await rejection(formRequest(big), "OIDC_LOGOUT_REQUEST_INVALID", "body_too_large");
  });
});
