import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider from "oidc-provider";

/** A back-channel logout request as the provider sent it. */
export interface CapturedLogout {
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** A real oidc-provider 9 on a free loopback port, with one confidential client. */
export interface TestProvider {
  issuer: string;
  provider: Provider;
  clientId: string;
  clientSecret: string;
  appBaseUrl: string;
  /** A second client that authenticates with `private_key_jwt` (ES256). */
  privateKeyJwtClient: { clientId: string; privateKey: CryptoKey; kid: string };
  /** A public client (`token_endpoint_auth_method: none`, PKCE only). */
  publicClientId: string;
  /** The provider's signing key (private), so tests can forge tokens it would accept. */
  signingKey: { privateKey: CryptoKey; kid: string; alg: "RS256" };
  /** Back-channel logout requests the provider POSTed to the client, oldest first. */
  backchannelRequests: CapturedLogout[];
  /** Counts of provider events (e.g. `grant.success`, `grant.error`). */
  events: Map<string, number>;
  /** A browser with its own cookie jar. */
  browser(): TestBrowser;
  close(): Promise<void>;
}

/** Drives the provider's interaction endpoints with fetch and cookies, like a browser would. */
export interface TestBrowser {
  /** Follows the authorization URL through login and consent; answers the callback URL. */
  authorize(authorizationUrl: URL, options?: { accountId?: string; abort?: boolean }): Promise<URL>;
  /** Follows an RP-initiated logout URL, confirms it, and answers where the provider went. */
  endSession(logoutUrl: URL): Promise<URL>;
}

export interface StartTestProviderOptions {
  /** @default "http://app.localhost.test" is not loopback, so the default is "http://localhost:3000" */
  appBaseUrl?: string;
  /** Access token lifetime, seconds. @default 3600 */
  accessTokenTtl?: number;
}

async function listen(server: Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts the provider (and a tiny server that captures its back-channel logout requests). */
export async function startTestProvider(
  options: StartTestProviderOptions = {},
): Promise<TestProvider> {
  const appBaseUrl = options.appBaseUrl ?? "http://localhost:3000";
  const clientId = "sessionkit-test";
  const clientSecret = "a-test-client-secret-that-is-long-enough-000000";
  const backchannelRequests: CapturedLogout[] = [];
  const events = new Map<string, number>();

  const receiver = createServer(async (request, response) => {
    const body = await readBody(request);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string") headers[name] = value;
    }
    backchannelRequests.push({ method: request.method ?? "", headers, body });
    response.writeHead(200).end();
  });
  const receiverPort = await listen(receiver);

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = `test-${crypto.randomUUID()}`;
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" };

  const clientKeys = await generateKeyPair("ES256", { extractable: true });
  const clientKid = `client-${crypto.randomUUID()}`;
  const clientPublicJwk: JWK = {
    ...(await exportJWK(clientKeys.publicKey)),
    kid: clientKid,
    alg: "ES256",
    use: "sig",
  };
  const common = {
    redirect_uris: [`${appBaseUrl}/auth/callback`],
    post_logout_redirect_uris: [`${appBaseUrl}/`],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
  };

  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${appBaseUrl}/auth/callback`],
        post_logout_redirect_uris: [`${appBaseUrl}/`, `${appBaseUrl}/bye`],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
        backchannel_logout_uri: `http://127.0.0.1:${receiverPort}/auth/backchannel-logout`,
        backchannel_logout_session_required: true,
      },
      {
        ...common,
        client_id: `${clientId}-pkjwt`,
        token_endpoint_auth_method: "private_key_jwt",
        token_endpoint_auth_signing_alg: "ES256",
        jwks: { keys: [clientPublicJwk] },
      },
      { ...common, client_id: `${clientId}-public`, token_endpoint_auth_method: "none" },
    ],
    jwks: { keys: [privateJwk] },
    cookies: { keys: ["sessionkit-test-cookie-key"] },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "nickname"],
    },
    findAccount: async (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: async () => ({
        sub: accountId,
        email: `${accountId}@example.test`,
        email_verified: true,
        name: `User ${accountId}`,
        nickname: accountId,
      }),
    }),
    features: {
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      devInteractions: { enabled: true },
    },
    // Like most hosted providers, put the scope's claims in the ID token too.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: options.accessTokenTtl ?? 3600,
      IdToken: 3600,
      RefreshToken: 86_400,
      Grant: 86_400,
      Session: 86_400,
      Interaction: 600,
      AuthorizationCode: 60,
    },
    // oidc-provider 9 pins its own dispatcher that refuses loopback addresses; the test client's
    // back-channel logout URI is on loopback, so drop it.
    fetch: (url: string, init: RequestInit & { dispatcher?: unknown }) => {
      const { dispatcher: _dispatcher, ...rest } = init;
      return fetch(url, rest);
    },
  });
  for (const event of [
    "grant.success",
    "grant.error",
    "backchannel.success",
    "backchannel.error",
  ]) {
    provider.on(event, () => events.set(event, (events.get(event) ?? 0) + 1));
  }
  server.on("request", provider.callback());

  return {
    issuer,
    provider,
    clientId,
    clientSecret,
    appBaseUrl,
    signingKey: { privateKey, kid, alg: "RS256" },
    privateKeyJwtClient: {
      clientId: `${clientId}-pkjwt`,
      privateKey: clientKeys.privateKey,
      kid: clientKid,
    },
    publicClientId: `${clientId}-public`,
    backchannelRequests,
    events,
    browser: () => createBrowser(issuer, appBaseUrl),
    async close() {
      await Promise.all([closeServer(server), closeServer(receiver)]);
    },
  };
}

function createBrowser(issuer: string, appBaseUrl: string): TestBrowser {
  const jar = new Map<string, string>();

  function store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, raw] = attribute.trim().split("=");
        if (key?.toLowerCase() === "max-age") return Number(raw) <= 0;
        if (key?.toLowerCase() === "expires") return Date.parse(raw ?? "") <= Date.now();
        return false;
      });
      if (expired || value === "") jar.delete(name);
      else jar.set(name, value);
    }
  }

  async function request(url: URL, init: RequestInit = {}): Promise<Response> {
    if (url.origin !== new URL(issuer).origin)
      throw new Error(`browser left the provider: ${url.origin}`);
    const headers = new Headers(init.headers);
    if (jar.size > 0) {
      headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
    }
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    store(response);
    return response;
  }

  function location(response: Response, base: URL): URL {
    const value = response.headers.get("location");
    if (value === null) throw new Error(`expected a redirect, got ${response.status}`);
    return new URL(value, base);
  }

  function isApp(url: URL): boolean {
    return url.href.startsWith(appBaseUrl);
  }

  return {
    async authorize(authorizationUrl, options = {}) {
      let url = authorizationUrl;
      for (let step = 0; step < 12; step += 1) {
        const response = await request(url);
        if (response.status >= 300 && response.status < 400) {
          url = location(response, url);
          if (isApp(url)) return url;
          continue;
        }
        const html = await response.text();
        if (response.status !== 200)
          throw new Error(`provider answered ${response.status}: ${html.slice(0, 300)}`);
        const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? "consent";
        const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
        if (action === undefined) throw new Error("no interaction form");
        if (options.abort === true) {
          url = new URL(`${url.pathname.replace(/\/$/, "")}/abort`, url);
          continue;
        }
        const form =
          prompt === "login"
            ? new URLSearchParams({ prompt, login: options.accountId ?? "user-1", password: "x" })
            : new URLSearchParams({ prompt: "consent" });
        const submitted = await request(new URL(action, url), {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form,
        });
        url = location(submitted, url);
        if (isApp(url)) return url;
      }
      throw new Error("too many steps in the authorization flow");
    },

    async endSession(logoutUrl) {
      const page = await request(logoutUrl);
      const html = await page.text();
      if (page.status !== 200)
        throw new Error(`end_session answered ${page.status}: ${html.slice(0, 300)}`);
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
      if (action === undefined || xsrf === undefined) throw new Error("no logout form");
      const confirmed = await request(new URL(action, logoutUrl), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ xsrf, logout: "yes" }),
      });
      return location(confirmed, logoutUrl);
    },
  };
}
