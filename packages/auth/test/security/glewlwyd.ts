import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { exportJWK, generateKeyPair } from "jose";

/**
 * glewlwyd 2.7 from Debian's packages (`apt-get install glewlwyd sqlite3`, which
 * `scripts/setup-system.sh` does), run on a free loopback port with a SQLite database in a temp
 * directory and configured through its admin API: an OIDC plugin signing with a fresh RSA key,
 * one user and one confidential client with a back-channel logout URI.
 */
export interface Glewlwyd {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers another confidential client (same redirect and logout URIs). */
  addClient(
    clientId: string,
    clientSecret: string,
    method: "client_secret_post" | "client_secret_basic",
  ): Promise<void>;
  /** Back-channel logout requests glewlwyd POSTed, oldest first. */
  logouts: string[];
  /** Resolves with the next back-channel logout token glewlwyd sends. */
  nextLogout(): Promise<string>;
  /** A browser (its own cookie jar) on glewlwyd's login API and end-session pages. */
  browser(): GlewlwydBrowser;
  stop(): Promise<void>;
}

export interface GlewlwydBrowser {
  /** Follows an authorization URL through glewlwyd's login API and grant; answers the callback URL. */
  authorize(url: URL): Promise<URL>;
  /** Follows an RP-initiated logout URL and confirms it the way glewlwyd's page does. */
  endSession(url: URL): Promise<void>;
}

const INIT_SQL = [
  "/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3",
  "/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz",
];
const MODULES = "/usr/lib/glewlwyd";
const USER = { username: "alice", password: "alice-password-1" };

function which(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Why glewlwyd cannot run here, or `undefined` when it can. */
export function glewlwydUnavailable(): string | undefined {
  if (!which("glewlwyd")) return "glewlwyd is not installed (scripts/setup-system.sh installs it)";
  if (!which("sqlite3")) return "sqlite3 is not installed (scripts/setup-system.sh installs it)";
  if (!INIT_SQL.some((path) => existsSync(path))) return "glewlwyd's SQLite schema is missing";
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function schema(): string {
  const path = INIT_SQL.find((candidate) => existsSync(candidate))!;
  const raw = readFileSync(path);
  return path.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
}

/** A fetch with a cookie jar, never following redirects. */
function session(base: string) {
  const jar = new Map<string, string>();
  return async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    const response = await fetch(new URL(path, base), {
      ...init,
      body,
      headers,
      redirect: "manual",
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
    return response;
  };
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) {
    throw new Error(`glewlwyd: ${what} answered ${response.status}: ${await response.text()}`);
  }
}

export async function startGlewlwyd(options: { redirectBase: string }): Promise<Glewlwyd> {
  const dir = mkdtempSync(join(tmpdir(), "sessionkit-glewlwyd-"));
  const database = join(dir, "glewlwyd.db");
  execFileSync("sqlite3", [database], { input: schema(), stdio: ["pipe", "ignore", "pipe"] });

  const logouts: string[] = [];
  const waiting: Array<(token: string) => void> = [];
  const receiver: Server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      const token = new URLSearchParams(body).get("logout_token") ?? "";
      logouts.push(token);
      waiting.shift()?.(token);
      response.writeHead(200).end();
    });
  });
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  const receiverPort = (receiver.address() as AddressInfo).port;

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // `-e`: configured from these variables alone, no config file.
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    GLWD_PORT: String(port),
    GLWD_BIND_ADDRESS: "127.0.0.1",
    GLWD_EXTERNAL_URL: base,
    GLWD_API_PREFIX: "api",
    GLWD_LOG_MODE: "console",
    GLWD_LOG_LEVEL: "INFO",
    GLWD_COOKIE_SECURE: "0",
    GLWD_SESSION_KEY: "GLEWLWYD2_SESSION_ID",
    GLWD_SESSION_EXPIRATION: "3600",
    GLWD_LOGIN_API_ENABLED: "1",
    GLWD_ADMIN_SCOPE: "g_admin",
    GLWD_PROFILE_SCOPE: "g_profile",
    GLWD_USER_MODULE_PATH: `${MODULES}/user`,
    GLWD_CLIENT_MODULE_PATH: `${MODULES}/client`,
    GLWD_AUTH_SCHEME_MODULE_PATH: `${MODULES}/scheme`,
    GLWD_PLUGIN_MODULE_PATH: `${MODULES}/plugin`,
    GLWD_USE_SECURE_CONNECTION: "0",
    GLWD_HASH_ALGORITHM: "SHA512",
    GLWD_DATABASE_TYPE: "sqlite3",
    GLWD_DATABASE_SQLITE3_PATH: database,
  };
  const child: ChildProcess = spawn("glewlwyd", ["-e"], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Glewlwyd started")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`glewlwyd exited (${code}): ${output}`)));
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await started;
    const admin = session(base);
    await expectOk(
      await admin("/api/auth/", {
        method: "POST",
        json: { username: "admin", password: "password" },
      }),
      "admin login",
    );
    const { privateKey } = await generateKeyPair("RS256", { extractable: true });
    const jwks = {
      keys: [{ ...(await exportJWK(privateKey)), kid: "glewlwyd-test", alg: "RS256" }],
    };
    await expectOk(
      await admin("/api/mod/plugin/", {
        method: "POST",
        json: {
          module: "oidc",
          name: "oidc",
          display_name: "OpenID Connect",
          enabled: true,
          parameters: {
            iss: `${base}/api/oidc`,
            "jwt-type": "rsa",
            "jwt-key-size": "256",
            "jwks-private": JSON.stringify(jwks),
            "default-kid": "glewlwyd-test",
            "pkce-allowed": true,
            "session-management-allowed": true,
            "back-channel-logout-allowed": true,
            "front-channel-logout-allowed": true,
            "allowed-scope": ["openid"],
            "auth-type-code-enabled": true,
            "auth-type-refresh-enabled": true,
            "access-token-duration": 3600,
            "refresh-token-duration": 86400,
            "code-duration": 600,
            "refresh-token-rolling": true,
            "jwks-show": true,
            "session-cookie-name": "GLEWLWYD2_OIDC_SID",
            "session-cookie-expiration": 3600,
          },
        },
      }),
      "creating the OIDC plugin",
    );
    await expectOk(
      await admin("/api/user/", {
        method: "POST",
        json: { ...USER, name: "Alice", scope: ["openid"], enabled: true },
      }),
      "creating the user",
    );
    const addClient = async (
      clientId: string,
      clientSecret: string,
      method: "client_secret_post" | "client_secret_basic",
    ) =>
      expectOk(
        await admin("/api/client/", {
          method: "POST",
          json: {
            client_id: clientId,
            client_secret: clientSecret,
            name: clientId,
            confidential: true,
            enabled: true,
            redirect_uri: [`${options.redirectBase}/auth/callback`],
            authorization_type: ["code", "refresh_token"],
            token_endpoint_auth_method: [method],
            scope: [],
            backchannel_logout_uri: `http://127.0.0.1:${receiverPort}/auth/backchannel-logout`,
            backchannel_logout_session_required: "true",
            post_logout_redirect_uris: `${options.redirectBase}/`,
          },
        }),
        `creating the client ${clientId}`,
      );
    // Alphanumeric credentials: glewlwyd does not form-decode Basic credentials (see
    // docs/configuration.md, clientAuthMethod); this client uses client_secret_post anyway.
    const clientId = "sessionkittest";
    const clientSecret = "sessionkitsecret0123456789";
    await addClient(clientId, clientSecret, "client_secret_post");

    return {
      issuer: `${base}/api/oidc`,
      clientId,
      clientSecret,
      addClient,
      logouts,
      nextLogout: () => new Promise((resolve) => waiting.push(resolve)),
      browser() {
        const request = session(base);
        return {
          async authorize(url) {
            const first = await request(url.href);
            if (first.status !== 302) throw new Error(`authorize answered ${first.status}`);
            await expectOk(
              await request("/api/auth/", { method: "POST", json: USER }),
              "the user's login",
            );
            await expectOk(
              await request(`/api/auth/grant/${url.searchParams.get("client_id")}`, {
                method: "PUT",
                json: { scope: "openid" },
              }),
              "the grant",
            );
            const back = await request(`${url.href}&g_continue`);
            const location = back.headers.get("location");
            if (back.status !== 302 || location === null) {
              throw new Error(`authorize (continued) answered ${back.status}`);
            }
            return new URL(location);
          },
          async endSession(url) {
            const page = await request(url.href);
            const location = page.headers.get("location");
            if (page.status !== 302 || location === null) {
              throw new Error(`end_session answered ${page.status}: ${await page.text()}`);
            }
            const sid = new URL(location, base).searchParams.get("sid");
            if (sid === null) throw new Error(`end_session went to ${location}`);
            // What glewlwyd's logout page does: list the session's clients, then end it.
            await expectOk(
              await request(
                `/api/oidc/session/${sid}/${encodeURIComponent(clientId)}?${new URLSearchParams({
                  post_redirect_to:
                    url.searchParams.get("post_logout_redirect_uri") ?? `${options.redirectBase}/`,
                })}`,
              ),
              "the session's client list",
            );
            await expectOk(
              await request(`/api/oidc/session/${sid}`, { method: "DELETE" }),
              "ending the session",
            );
          },
        };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
