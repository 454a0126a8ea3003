import { generateKeyPairSync, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import Provider from "oidc-provider";
import { handleInteraction } from "./interactions.js";
import { errorPage, loggedOutPage, logoutPage } from "./pages.js";
import { findUser, TEST_USERS } from "./users.js";

export { TEST_USERS } from "./users.js";

export const DEFAULT_CLIENT_ID = "sessionkit-demo";
export const DEFAULT_CLIENT_SECRET = "sessionkit-demo-client-secret-for-local-use-only";

function trimSlash(url) {
  return url.replace(/\/+$/, "");
}

function signingKey() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = `dev-${randomBytes(6).toString("hex")}`;
  return { ...privateKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
}

/**
 * oidc-provider 9 sends back-channel logout tokens through its own dispatcher,
 * which refuses private and loopback addresses; the demo's apps live on
 * loopback, so send them through the plain global fetch.
 */
function loopbackFetch(url, init = {}) {
  const { dispatcher: _dispatcher, ...rest } = init;
  return fetch(url, rest);
}

/** `invalid_grant: refresh token already used`, from an oidc-provider error. */
function refusal(error) {
  const code = typeof error?.error === "string" ? error.error : String(error?.message ?? error);
  // oidc-provider keeps the specific reason in error_detail, the generic one in error_description.
  const detail = error?.error_detail ?? error?.error_description;
  return typeof detail === "string" ? `${code}: ${detail}` : code;
}

function closeServer(server) {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts the provider; see index.d.ts for the options and the handle. */
export async function startDevProvider(options = {}) {
  const appUrls = (options.appUrls ?? ["http://localhost:3000"]).map(trimSlash);
  if (appUrls.length === 0) throw new TypeError("startDevProvider: `appUrls` must not be empty");
  const backchannelLogoutUrl =
    options.backchannelLogoutUrl === undefined
      ? `${appUrls[0]}/auth/backchannel-logout`
      : options.backchannelLogoutUrl;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => {});

  const server = createServer();
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const { port } = server.address();
  const issuer = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const client = {
    client_id: clientId,
    client_secret: clientSecret,
    client_name: "sessionkit demo",
    redirect_uris: appUrls.map((url) => `${url}/auth/callback`),
    post_logout_redirect_uris: appUrls.map((url) => `${url}/`),
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
    ...(backchannelLogoutUrl
      ? { backchannel_logout_uri: backchannelLogoutUrl, backchannel_logout_session_required: true }
      : {}),
  };

  const provider = new Provider(issuer, {
    clients: [client],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: {
      openid: ["sub"],
      profile: ["name", "nickname"],
      email: ["email", "email_verified"],
    },
    findAccount: async (_ctx, accountId) => {
      const user = findUser(accountId);
      if (user === undefined) return undefined;
      return { accountId, claims: async () => ({ sub: accountId, ...user.claims }) };
    },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = "html";
          ctx.body = logoutPage({ host: ctx.host, form });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = "html";
          ctx.body = loggedOutPage();
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = errorPage(out);
    },
    // Like most hosted providers: the scope's claims in the ID token too.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // The demo always gets a refresh token (no `prompt=consent` dance for offline_access),
    // and every refresh spends it and issues a new one.
    issueRefreshToken: async (_ctx, theClient) => theClient.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: options.accessTokenTtl ?? 600,
      IdToken: 3600,
      RefreshToken: 86_400,
      Grant: 86_400,
      Session: 86_400,
      Interaction: 600,
      AuthorizationCode: 60,
    },
    fetch: loopbackFetch,
  });
  provider.on("backchannel.success", (_ctx, theClient, accountId, sid) => {
    log(
      `back-channel logout sent to ${theClient.backchannelLogoutUri} (sub ${accountId}, sid ${sid})`,
    );
  });
  provider.on("backchannel.error", (_ctx, error, theClient) => {
    log(`back-channel logout to ${theClient.backchannelLogoutUri} failed: ${error.message}`);
  });
  provider.on("server_error", (_ctx, error) => log(`server error: ${error.message}`));
  const onRefreshTokenUse = options.onRefreshTokenUse;
  if (onRefreshTokenUse !== undefined) {
    // Every refresh-token grant the token endpoint answers, honoured or refused: tests count
    // how often each refresh token was presented, which the provider's own events do not say.
    const report = (ctx, error) => {
      const params = ctx?.oidc?.params;
      if (params?.grant_type !== "refresh_token" || typeof params.refresh_token !== "string")
        return;
      onRefreshTokenUse({
        refreshToken: params.refresh_token,
        accepted: error === undefined,
        ...(error === undefined ? {} : { error: refusal(error) }),
      });
    };
    provider.on("grant.success", (ctx) => report(ctx));
    provider.on("grant.error", (ctx, error) => report(ctx, error));
  }

  const callback = provider.callback();
  const serve = (request, response) => {
    handleInteraction(provider, request, response).then(
      (handled) => {
        if (!handled) callback(request, response);
      },
      (error) => {
        log(`interaction failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      },
    );
  };
  const beforeTokenRequest = options.beforeTokenRequest;
  server.on("request", (request, response) => {
    const isTokenRequest =
      request.method === "POST" && new URL(request.url ?? "/", issuer).pathname === "/token";
    if (beforeTokenRequest === undefined || !isTokenRequest) return serve(request, response);
    Promise.resolve()
      .then(() => beforeTokenRequest())
      .then(
        () => serve(request, response),
        (error) => {
          log(`beforeTokenRequest failed: ${error instanceof Error ? error.message : error}`);
          response.writeHead(503).end();
        },
      );
  });

  let closed;
  return {
    issuer,
    port,
    clientId,
    clientSecret,
    appUrls,
    backchannelLogoutUrl: backchannelLogoutUrl || undefined,
    users: TEST_USERS.map(({ username, password }) => ({ username, password })),
    provider,
    close() {
      closed ??= closeServer(server);
      return closed;
    },
  };
}
