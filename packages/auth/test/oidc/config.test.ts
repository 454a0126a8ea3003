import { describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors.js";
import { type OidcEnv, type OidcOptions, resolveOidcConfig } from "../../src/oidc/config.js";

const env: OidcEnv = {
  AUTH_ISSUER: "https://id.example",
  AUTH_CLIENT_ID: "client-1",
  AUTH_CLIENT_SECRET: "s3cr3t-value-never-logged",
  APP_BASE_URL: "https://app.example",
};

function configError(options: OidcOptions, environment: OidcEnv = env): AuthError {
  try {
    resolveOidcConfig(options, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    const authError = error as AuthError;
    expect(authError.code).toBe("AUTH_CONFIG_INVALID");
    expect(authError.message).not.toContain("s3cr3t-value-never-logged");
    return authError;
  }
  throw new Error("expected resolveOidcConfig to throw");
}

describe("resolveOidcConfig", () => {
  it("reads everything from env, with defaults", () => {
    const config = resolveOidcConfig({}, env);
    expect(config).toMatchObject({
      issuer: "https://id.example",
      clientId: "client-1",
      clientSecret: "s3cr3t-value-never-logged",
      clientAuthMethod: "client_secret_basic",
      appBaseUrl: "https://app.example",
      redirectUri: "https://app.example/auth/callback",
      postLogoutRedirectUri: "https://app.example/",
      scope: "openid profile email offline_access",
      providerTimeout: 5,
      discoveryCacheTtl: 600,
      refreshBuffer: 60,
      clockTolerance: 30,
      transactionMaxAge: 600,
      maxTransactions: 3,
      idTokenSigningAlg: "RS256",
      allowInsecureRequests: false,
    });
    expect(config.routes).toEqual({
      login: "/auth/login",
      callback: "/auth/callback",
      logout: "/auth/logout",
      profile: "/auth/profile",
      accessToken: "/auth/access-token",
      backchannelLogout: "/auth/backchannel-logout",
    });
    expect(config.allowedLoginParameters).toEqual(["login_hint", "screen_hint", "ui_locales"]);
  });

  it("prefers options over env, and reads the optional env variables", () => {
    const config = resolveOidcConfig(
      { clientId: "from-options", routes: { callback: "/api/auth/callback/" } },
      {
        ...env,
        AUTH_SCOPE: "openid  email",
        AUTH_PROVIDER_TIMEOUT: "2.5",
        AUTH_DISCOVERY_CACHE_TTL: "30",
        AUTH_CLIENT_AUTH_METHOD: "client_secret_post",
        AUTH_POST_LOGOUT_REDIRECT_URI: "/goodbye",
        APP_BASE_URL: "https://app.example/base/",
      },
    );
    expect(config.clientId).toBe("from-options");
    expect(config.scope).toBe("openid email");
    expect(config.providerTimeout).toBe(2.5);
    expect(config.discoveryCacheTtl).toBe(30);
    expect(config.clientAuthMethod).toBe("client_secret_post");
    expect(config.appBaseUrl).toBe("https://app.example/base");
    expect(config.redirectUri).toBe("https://app.example/base/api/auth/callback");
    expect(config.postLogoutRedirectUri).toBe("https://app.example/base/goodbye");
  });

  it.each([
    ["AUTH_ISSUER", "issuer"],
    ["AUTH_CLIENT_ID", "clientId"],
    ["AUTH_CLIENT_SECRET", "clientSecret"],
    ["APP_BASE_URL", "appBaseUrl"],
  ])("names %s when it is missing", (variable, option) => {
    const error = configError({}, { ...env, [variable]: undefined });
    expect(error.message).toContain(variable);
    expect(error.message).toContain(option);
  });

  it("treats an empty env variable as missing", () => {
    expect(configError({}, { ...env, AUTH_CLIENT_ID: "  " }).message).toContain("AUTH_CLIENT_ID");
  });

  it("accepts http only on localhost and 127.0.0.1", () => {
    expect(resolveOidcConfig({ issuer: "http://localhost:4000" }, env).allowInsecureRequests).toBe(
      true,
    );
    expect(resolveOidcConfig({ issuer: "http://127.0.0.1:4000/oidc" }, env).issuer).toBe(
      "http://127.0.0.1:4000/oidc",
    );
    for (const issuer of [
      "http://id.example",
      "http://localhost.evil.example",
      "http://127.0.0.2",
      "http://10.0.0.1",
    ]) {
      expect(configError({ issuer }).message).toMatch(/AUTH_ISSUER.*https/);
    }
    expect(configError({ appBaseUrl: "http://app.example" }).message).toContain("APP_BASE_URL");
  });

  it("rejects malformed URLs", () => {
    for (const issuer of [
      "id.example",
      "ftp://id.example",
      "https://id.example/?tenant=1",
      "https://u:p@id.example",
    ]) {
      expect(configError({ issuer }).message).toContain("AUTH_ISSUER");
    }
    expect(configError({ appBaseUrl: "/relative" }).message).toContain("APP_BASE_URL");
    expect(configError({ appBaseUrl: "https://app.example/#x" }).message).toContain("APP_BASE_URL");
    expect(configError({ postLogoutRedirectUri: "//evil.example" }).message).toContain(
      "postLogoutRedirectUri",
    );
  });

  it("requires openid in the scope", () => {
    expect(configError({ scope: "profile email" }).message).toContain("AUTH_SCOPE");
  });

  it("refuses static or query parameters that the login flow sets itself", () => {
    expect(configError({ authorizationParameters: { state: "x" } }).message).toContain(
      "authorizationParameters",
    );
    expect(
      configError({ authorizationParameters: { redirect_uri: "https://evil" } }).message,
    ).toContain("redirect_uri");
    expect(configError({ allowedLoginParameters: ["nonce"] }).message).toContain(
      "allowedLoginParameters",
    );
    expect(
      configError({ authorizationParameters: { audience: 1 as unknown as string } }).message,
    ).toContain("authorizationParameters.audience");
  });

  it("validates routes", () => {
    expect(configError({ routes: { login: "auth/login" } }).message).toContain("routes.login");
    expect(configError({ routes: { login: "//evil.example/x" } }).message).toContain(
      "routes.login",
    );
    expect(configError({ routes: { profile: "/a/../b" } }).message).toContain("routes.profile");
    expect(configError({ routes: { profile: "/auth/login" } }).message).toContain("routes");
  });

  it("validates client authentication", () => {
    const none = resolveOidcConfig(
      { clientAuthMethod: "none" },
      { ...env, AUTH_CLIENT_SECRET: undefined },
    );
    expect(none.clientAuthMethod).toBe("none");
    expect(configError({ clientAuthMethod: "private_key_jwt" }).message).toContain(
      "clientAssertionKey",
    );
    expect(
      configError({}, { ...env, AUTH_CLIENT_AUTH_METHOD: "client_secret_jwt" }).message,
    ).toContain("AUTH_CLIENT_AUTH_METHOD");
  });

  it("infers private_key_jwt from a key, and accepts it", async () => {
    const { privateKey } = await crypto.subtle.generateKey(
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["sign", "verify"],
    );
    const config = resolveOidcConfig(
      { clientAssertionKey: { key: privateKey, kid: "k1" } },
      { ...env, AUTH_CLIENT_SECRET: undefined },
    );
    expect(config.clientAuthMethod).toBe("private_key_jwt");
  });

  it("validates numbers", () => {
    expect(configError({}, { ...env, AUTH_PROVIDER_TIMEOUT: "soon" }).message).toContain(
      "AUTH_PROVIDER_TIMEOUT",
    );
    expect(configError({ providerTimeout: 0 }).message).toContain("providerTimeout");
    expect(configError({ providerTimeout: Number.NaN }).message).toContain("providerTimeout");
    expect(configError({ maxTransactions: 1.5 }).message).toContain("maxTransactions");
    expect(configError({ refreshBuffer: -1 }).message).toContain("refreshBuffer");
  });

  it("refuses a symmetric or absent ID token algorithm", () => {
    expect(configError({ idTokenSigningAlg: "HS256" }).message).toContain("idTokenSigningAlg");
    expect(configError({ idTokenSigningAlg: "none" }).message).toContain("idTokenSigningAlg");
  });

  it("gives each resolved config its own caches", () => {
    const a = resolveOidcConfig({}, env);
    const b = resolveOidcConfig({}, env);
    expect(a.discoveryCache).not.toBe(b.discoveryCache);
    expect(Object.isFrozen(a)).toBe(true);
  });
});
