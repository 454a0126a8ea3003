// The refresh rounds can only fail if the provider punishes a spent refresh token, and if the
// ledger sees a token presented twice. Both are checked here, against the provider alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { form } from "../support/browser.ts";
import { startWatchedProvider, type WatchedProvider } from "../support/provider.ts";
import { User } from "../support/user.ts";

const APP_BASE_URL = "http://localhost:43210";
let watched: WatchedProvider;

beforeAll(async () => {
  watched = await startWatchedProvider(APP_BASE_URL);
});

afterAll(async () => {
  await watched?.close();
});

function tokenRequest(fields: Record<string, string>): Promise<Response> {
  const { op } = watched;
  const basic = Buffer.from(`${op.clientId}:${op.clientSecret}`).toString("base64");
  const request = form(fields);
  return fetch(`${op.issuer}/token`, {
    ...request,
    headers: { ...(request.headers as Record<string, string>), authorization: `Basic ${basic}` },
  });
}

/** A code flow straight against the provider (no app): answers the first token response. */
async function signIn(): Promise<{ access_token: string; refresh_token: string }> {
  const { op } = watched;
  const verifier = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const challenge = Buffer.from(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
  ).toString("base64url");
  const redirectUri = `${APP_BASE_URL}/auth/callback`;
  const authorize = new URL(`${op.issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: op.clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: "openid profile email",
    state: "state-1",
    nonce: "nonce-1",
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  const callback = await new User(op, APP_BASE_URL).authorize(authorize);
  const response = await tokenRequest({
    grant_type: "authorization_code",
    code: callback.searchParams.get("code") ?? "",
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

async function userinfoStatus(accessToken: string): Promise<number> {
  const response = await fetch(`${watched.op.issuer}/me`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await response.body?.cancel();
  return response.status;
}

describe("the dev provider's refresh-token reuse detection", () => {
  it("revokes the whole grant when a spent refresh token is presented again", async () => {
    const { ledger } = watched;
    const first = await signIn();
    const revokedBefore = ledger.revokedGrants.length;

    const refreshed = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(await userinfoStatus(second.access_token)).toBe(200);

    const reused = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
    });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant" });

    // The grant is gone: the newest refresh token and the access token issued with it are dead.
    expect(ledger.revokedGrants.length).toBe(revokedBefore + 1);
    const afterRevocation = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: second.refresh_token,
    });
    expect(afterRevocation.status).toBe(400);
    expect(await userinfoStatus(second.access_token)).toBe(401);

    const uses = ledger.uses.filter((use) => use.refreshToken === first.refresh_token);
    expect(uses.map((use) => use.accepted)).toEqual([true, false]);
    expect(uses[1]?.error).toMatch(/already used/);
  });

  it("lets the ledger see a refresh token presented twice in parallel, whatever the provider decides", async () => {
    const { ledger } = watched;
    const { refresh_token } = await signIn();
    const both = await Promise.all([
      tokenRequest({ grant_type: "refresh_token", refresh_token }),
      tokenRequest({ grant_type: "refresh_token", refresh_token }),
    ]);
    await Promise.all(both.map((response) => response.body?.cancel()));
    expect(ledger.countsByToken().get(refresh_token)).toBe(2);
  });
});
