import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createAuth } from "../src/create-auth.js";
import { sessionStoreMethods } from "../src/store/contract.js";
import { memoryStore } from "../src/store/memory-store.js";
import { SECRET } from "./helpers.js";

const fails = (options: Parameters<typeof createAuth>[0], message: RegExp) => {
  let error: unknown;
  try {
    createAuth(options);
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ name: "AuthError", code: "AUTH_CONFIG_INVALID" });
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain("short");
};

describe("createAuth options", () => {
  it("names the missing secret and its env var", () => {
    fails({ env: {} }, /AUTH_SECRET/);
    fails({ env: { AUTH_SECRET: "" } }, /AUTH_SECRET/);
    fails({ secret: [], env: {} }, /secret/);
  });

  it("reads AUTH_SECRET, APP_BASE_URL, AUTH_ISSUER and the client credentials from env", () => {
    const auth = createAuth({
      env: {
        AUTH_SECRET: SECRET,
        APP_BASE_URL: "https://app.example.com",
        AUTH_ISSUER: "https://op.example/",
        AUTH_CLIENT_ID: "client",
        AUTH_CLIENT_SECRET: "client-secret",
      },
    });
    expect(auth.config).toMatchObject({
      secrets: [SECRET],
      appBaseUrl: "https://app.example.com",
      session: {
        rolling: true,
        inactivityDuration: 86_400,
        absoluteDuration: 259_200,
        updateAge: 60,
        onStoreError: "anonymous",
        acceptCookieSessions: true,
      },
      cookie: { name: "__session", path: "/", sameSite: "lax", transient: false },
    });
    expect(auth.config.oidc).toMatchObject({
      issuer: "https://op.example/",
      clientId: "client",
      clientSecret: "client-secret",
    });
    // An option wins over its env var.
    expect(
      createAuth({ secret: SECRET, env: { AUTH_SECRET: "x".repeat(40) } }).config.secrets,
    ).toEqual([SECRET]);
  });

  it("keeps secrets out of logs of the config", () => {
    const auth = createAuth({
      secret: SECRET,
      issuer: "https://op.example/",
      clientId: "client",
      appBaseUrl: "https://app.example.com",
      clientSecret: "client-secret-value",
      env: {},
    });
    const printed = `${JSON.stringify(auth.config)} ${inspect(auth, { depth: 5 })}`;
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain("client-secret-value");
    expect(auth.config.secrets).toEqual([SECRET]);
  });

  it("does not need the OIDC settings yet", () => {
    expect(() => createAuth({ secret: SECRET, env: {} })).not.toThrow();
  });

  it("names each bad option without echoing secrets", () => {
    fails({ secret: "short", env: {} }, /`secret` must be a string of at least 32/);
    fails({ env: { AUTH_SECRET: "short" } }, /^AUTH_SECRET must be/);
    fails({ secret: [SECRET, "short"] }, /entry 1/);
    fails({ secret: SECRET, inactivityDuration: 0 }, /`inactivityDuration`/);
    fails({ secret: SECRET, absoluteDuration: Number.NaN }, /`absoluteDuration`/);
    fails({ secret: SECRET, rolling: "yes" as unknown as boolean }, /`rolling`/);
    fails({ secret: SECRET, onStoreError: "ignore" as "throw" }, /`onStoreError`/);
    fails({ secret: SECRET, appBaseUrl: "app.example.com" }, /APP_BASE_URL/);
    fails({ secret: SECRET, env: { AUTH_ISSUER: "ftp://op.example" } }, /AUTH_ISSUER/);
    fails({ secret: SECRET, cookie: { name: "a.b" } }, /`cookie.name`/);
    fails({ secret: SECRET, cookie: { sameSite: "none", secure: false } }, /`cookie.secure`/);
    fails({ secret: SECRET, cookie: { path: "no-slash" } }, /`cookie.path`/);
    fails({ secret: SECRET, sessionStore: { get() {} } as never }, /`sessionStore`.*`set`/);
  });

  it("refuses a store without any one of sessionStoreMethods, naming it (the list the conformance suite checks)", () => {
    // The list is the contract as docs/writing-a-store.md documents it, method for method.
    const guide = readFileSync(
      new URL("../../../docs/writing-a-store.md", import.meta.url),
      "utf8",
    );
    const required = guide.slice(guide.indexOf("## Required methods"));
    const contract = required.slice(required.indexOf("interface SessionStore {"));
    const documented = contract
      .slice(0, contract.indexOf("\n}"))
      .split("\n")
      .flatMap((line) => /^\s+(\w+)\(/.exec(line)?.[1] ?? []);
    expect(sessionStoreMethods).toEqual(documented);
    for (const method of sessionStoreMethods) {
      const { [method]: _left, ...rest } = memoryStore();
      expect(() => createAuth({ secret: SECRET, sessionStore: rest as never })).toThrow(
        new RegExp(`\`sessionStore\` must implement SessionStore: \`${method}\` is missing`),
      );
    }
    expect(() => createAuth({ secret: SECRET, sessionStore: memoryStore() })).not.toThrow();
  });
});

describe("OIDC options at createAuth", () => {
  const oidc = {
    secret: SECRET,
    issuer: "https://op.example/",
    clientId: "client",
    clientSecret: "client-secret",
    appBaseUrl: "https://app.example.com",
  };

  it("fails at creation naming the missing option and its env var", () => {
    const { clientId: _clientId, ...noClient } = oidc;
    expect(() => createAuth({ ...noClient, env: {} })).toThrow(/clientId.*AUTH_CLIENT_ID/);
    const { appBaseUrl: _base, ...noBase } = oidc;
    expect(() => createAuth({ ...noBase, env: {} })).toThrow(/appBaseUrl.*APP_BASE_URL/);
    expect(() => createAuth({ ...oidc, issuer: "http://op.example/", env: {} })).toThrow(
      /issuer.*https/,
    );
    expect(() => createAuth({ ...oidc, refreshBuffer: -1, env: {} })).toThrow(/refreshBuffer/);
    expect(() =>
      createAuth({ ...oidc, env: { AUTH_ENABLE_ACCESS_TOKEN_ENDPOINT: "maybe" } }),
    ).toThrow(/AUTH_ENABLE_ACCESS_TOKEN_ENDPOINT/);
    expect(() => createAuth({ ...oidc, env: {}, logoutTokenReplayStore: {} as never })).toThrow(
      /logoutTokenReplayStore/,
    );
    expect(() => createAuth({ ...oidc, env: {}, logoutTokenReplayCache: {} } as never)).toThrow(
      /renamed `logoutTokenReplayStore`/,
    );
    expect(() => createAuth({ ...oidc, env: {}, httpTimeout: 5000 } as never)).toThrow(
      /`httpTimeout` was renamed `providerTimeout`, in seconds/,
    );
    expect(() => createAuth({ ...oidc, env: { AUTH_HTTP_TIMEOUT: "5000" } })).toThrow(
      /AUTH_HTTP_TIMEOUT was renamed AUTH_PROVIDER_TIMEOUT/,
    );
  });

  it("reads the OIDC and session options from env; the client secret never shows in logs", () => {
    const auth = createAuth({
      env: {
        AUTH_SECRET: SECRET,
        AUTH_ISSUER: "http://localhost:9999",
        AUTH_CLIENT_ID: "client",
        AUTH_CLIENT_SECRET: "client-secret-value",
        APP_BASE_URL: "http://localhost:3000",
        AUTH_MAX_TRANSACTIONS: "5",
        AUTH_ENABLE_ACCESS_TOKEN_ENDPOINT: "false",
        AUTH_ROLLING: "false",
        AUTH_INACTIVITY_DURATION: "600",
        AUTH_ABSOLUTE_DURATION: "7200",
        AUTH_ON_STORE_ERROR: "throw",
        AUTH_COOKIE_NAME: "sid",
        AUTH_COOKIE_SAME_SITE: "strict",
        AUTH_COOKIE_TRANSIENT: "true",
      },
    });
    expect(auth.config.oidc?.maxTransactions).toBe(5);
    expect(auth.config).toMatchObject({
      enableAccessTokenEndpoint: false,
      session: {
        rolling: false,
        inactivityDuration: 600,
        absoluteDuration: 7_200,
        onStoreError: "throw",
      },
      cookie: { name: "sid", sameSite: "strict", transient: true },
    });
    expect(`${JSON.stringify(auth.config)} ${inspect(auth, { depth: 6 })}`).not.toContain(
      "client-secret-value",
    );
    expect(() => createAuth({ secret: SECRET, env: { AUTH_INACTIVITY_DURATION: "1d" } })).toThrow(
      /AUTH_INACTIVITY_DURATION/,
    );
  });
});
