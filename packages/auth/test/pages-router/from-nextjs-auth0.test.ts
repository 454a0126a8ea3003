// docs/migrating-from-nextjs-auth0.md, "The Pages Router": a user signed in by nextjs-auth0 v4
// stays signed in when the API route's auth0.getSession(req) becomes auth.getSession(req, res).
import { generateSessionCookie } from "@auth0/nextjs-auth0/testing";
import { createAuth } from "@sessionkit/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NodeServer, resultOf, startNodeServer } from "./node-server.js";

const AUTH0_SECRET = "5f2c1e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e";
const env = {
  AUTH_SECRET: AUTH0_SECRET,
  AUTH_ISSUER: "https://tenant.example.auth0.com/",
  AUTH_CLIENT_ID: "app-client-id",
  AUTH_CLIENT_SECRET: "app-client-secret",
  APP_BASE_URL: "https://app.example.com",
};

let server: NodeServer;

beforeAll(async () => {
  server = await startNodeServer();
});

afterAll(async () => {
  await server?.close();
});

describe("the Pages Router after the switch from nextjs-auth0", () => {
  it("a nextjs-auth0 cookie opens through getSession(req, res) and getAccessToken(req, res) in an API route", async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const cookie = await generateSessionCookie(
      {
        user: { sub: "auth0|ada", name: "Ada Lovelace" },
        tokenSet: {
          accessToken: "their-access-token",
          refreshToken: "their-refresh-token",
          expiresAt: nowSeconds + 3600,
        },
        internal: { sid: "auth0-sid-7", createdAt: nowSeconds - 600 },
      },
      { secret: AUTH0_SECRET },
    );
    const auth = createAuth({ env });
    const response = await server.call(
      async (req, res) => {
        const session = await auth.getSession(req, res);
        const token = await auth.getAccessToken(req, res);
        return { sub: session?.user.sub, token: token?.token, expiresAt: token?.expiresAt };
      },
      { cookies: { __session: cookie } },
    );
    expect(await resultOf(response)).toEqual({
      sub: "auth0|ada",
      token: "their-access-token",
      expiresAt: (nowSeconds + 3600) * 1000,
    });
  });
});
