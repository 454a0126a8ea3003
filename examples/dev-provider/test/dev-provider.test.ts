import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevProvider, startDevProvider } from "../src/index.js";

const APP = "http://localhost:3999";
let op: DevProvider;
let receiver: Server;
const logoutBodies: string[] = [];

beforeAll(async () => {
  // Stands in for the app's back-channel logout route: records what the provider POSTs.
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      logoutBodies.push(body);
      response.writeHead(200).end();
    });
  });
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  const { port } = receiver.address() as AddressInfo;
  op = await startDevProvider({
    appUrls: [APP],
    backchannelLogoutUrl: `http://127.0.0.1:${port}/auth/backchannel-logout`,
  });
});

afterAll(async () => {
  await op?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** fetch with a cookie jar and no automatic redirects, like a browser tab on the provider. */
function browser() {
  const jar = new Map<string, string>();
  return async (url: string | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const value = pair.slice(at + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line))
        jar.delete(pair.slice(0, at));
      else jar.set(pair.slice(0, at), value);
    }
    return response;
  };
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields),
});

async function pkce() {
  const verifier = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: Buffer.from(digest).toString("base64url") };
}

function next(response: Response, base: string) {
  const location = response.headers.get("location");
  expect(location, `status ${response.status}`).toBeTruthy();
  return new URL(location as string, base).href;
}

/** A token request authenticated as the demo client (client_secret_basic). */
function tokenRequest(fields: Record<string, string>) {
  const basic = Buffer.from(`${op.clientId}:${op.clientSecret}`).toString("base64");
  const request = form(fields);
  return fetch(`${op.issuer}/token`, {
    ...request,
    headers: { ...request.headers, authorization: `Basic ${basic}` },
  });
}

async function token(fields: Record<string, string>) {
  const response = await tokenRequest(fields);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, string>;
}

describe("dev provider", () => {
  it("publishes discovery with end-session and back-channel logout support", async () => {
    const metadata = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
    expect(metadata.issuer).toBe(op.issuer);
    expect(metadata.end_session_endpoint).toBe(`${op.issuer}/session/end`);
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
  });

  it("signs in a test user with the right password only, rotates refresh tokens, and sends a back-channel logout", async () => {
    const tab = browser();
    const { verifier, challenge } = await pkce();
    const authorize = new URL(`${op.issuer}/auth`);
    for (const [key, value] of Object.entries({
      client_id: op.clientId,
      response_type: "code",
      redirect_uri: `${APP}/auth/callback`,
      scope: "openid profile email",
      state: "s1",
      nonce: "n1",
      code_challenge: challenge,
      code_challenge_method: "S256",
    })) {
      authorize.searchParams.set(key, value);
    }
    const interaction = next(await tab(authorize), op.issuer);
    const loginPage = await tab(interaction);
    const html = await loginPage.text();
    expect(html).toContain("wonderland");

    const wrong = await tab(`${interaction}/login`, form({ username: "alice", password: "nope" }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Wrong username or password");

    const signedIn = await tab(
      `${interaction}/login`,
      form({ username: "alice", password: "wonderland" }),
    );
    const consentUrl = next(await tab(next(signedIn, op.issuer)), op.issuer);
    expect(await (await tab(consentUrl)).text()).toContain("Allow access");
    const confirmed = await tab(`${consentUrl}/confirm`, form({}));
    const callback = new URL(next(await tab(next(confirmed, op.issuer)), op.issuer));
    expect(callback.origin + callback.pathname).toBe(`${APP}/auth/callback`);
    expect(callback.searchParams.get("state")).toBe("s1");

    const tokens = await token({
      grant_type: "authorization_code",
      code: callback.searchParams.get("code") ?? "",
      redirect_uri: `${APP}/auth/callback`,
      code_verifier: verifier,
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = JSON.parse(
      Buffer.from(tokens.id_token?.split(".")[1] ?? "", "base64url").toString(),
    );
    expect(claims).toMatchObject({
      sub: "alice",
      email: "alice@example.test",
      name: "Alice Liddell",
    });

    const userinfo = await fetch(`${op.issuer}/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: "alice", nickname: "alice" });

    const refreshed = await token({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token ?? "",
    });
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const reused = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token ?? "",
    });
    expect(reused.status).toBe(400);

    // Ending the session at the provider (no id_token_hint, "Yes, sign me out") notifies the app.
    const logoutPage = await (await tab(`${op.issuer}/session/end`)).text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(logoutPage)?.[1];
    expect(xsrf).toBeTruthy();
    const ended = await tab(
      `${op.issuer}/session/end/confirm`,
      form({ xsrf: xsrf ?? "", logout: "yes" }),
    );
    expect(ended.status).toBe(303);
    expect(logoutBodies).toHaveLength(1);
    const logoutToken = new URLSearchParams(logoutBodies[0]).get("logout_token") ?? "";
    const logoutClaims = JSON.parse(
      Buffer.from(logoutToken.split(".")[1] ?? "", "base64url").toString(),
    );
    expect(logoutClaims).toMatchObject({
      iss: op.issuer,
      aud: op.clientId,
      sub: "alice",
      sid: claims.sid,
    });
  });
});
