import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import { recordingLogger, SECRET } from "../helpers.js";
import { appBrowser } from "../routes/app.js";
import { fakeProvider } from "./fake-provider.js";

const APP = "https://app.example.com";

// Issue 14, item 10: a token endpoint refusing the client (wrong secret, an auth method it does
// not take, Basic credentials it does not decode) was answered 502 "provider unavailable" and
// logged nothing an operator could act on.
async function callbackWith(tokenAnswer: () => Response) {
  const sent: { body: URLSearchParams; authorization: string | null }[] = [];
  const op = await fakeProvider("https://op.example.com/", (body, headers) => {
    sent.push({ body, authorization: headers.get("authorization") });
    return tokenAnswer();
  });
  const logger = recordingLogger();
  const auth = createAuth({
    secret: SECRET,
    issuer: op.issuer,
    clientId: "client",
    clientSecret: "s3cret-value-that-must-never-be-logged",
    appBaseUrl: APP,
    fetch: op.fetch,
    logger,
    env: {},
  });
  const app = appBrowser(auth, APP);
  const start = await app.get("/auth/login");
  const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
  const callback = await app.get(`/auth/callback?code=abc&state=${state}`);
  return { callback, logger, sent };
}

describe("the token endpoint refuses the client", () => {
  for (const error of ["invalid_client", "unauthorized_client"]) {
    it(`${error}: a configuration error (500, OIDC_CLIENT_REJECTED), logged with the provider's words`, async () => {
      const { callback, logger } = await callbackWith(() =>
        Response.json(
          { error, error_description: "Invalid client credentials" },
          { status: error === "invalid_client" ? 401 : 400 },
        ),
      );
      expect(callback.status).toBe(500);
      expect(await callback.text()).toContain(error);
      const line = logger.lines.find((l) => l.includes("login callback failed"));
      expect(line).toContain(`${error}: Invalid client credentials`);
      expect(line).toContain("clientAuthMethod");
      expect(logger.lines.join("\n")).not.toContain("s3cret-value");
    });
  }

  it("a Basic challenge (401 with WWW-Authenticate) is the same configuration error", async () => {
    const { callback, logger } = await callbackWith(
      () =>
        new Response(null, {
          status: 401,
          headers: { "www-authenticate": 'Basic realm="op", error="invalid_client"' },
        }),
    );
    expect(callback.status).toBe(500);
    expect(logger.lines.some((l) => l.includes("refused this client (invalid_client)"))).toBe(true);
  });

  it("a provider outage (503) is still 502", async () => {
    const { callback } = await callbackWith(() =>
      Response.json({ error: "temporarily_unavailable" }, { status: 503 }),
    );
    expect(callback.status).toBe(502);
  });
});
