import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import { SECRET } from "../helpers.js";
import { appBrowser } from "../routes/app.js";
import { fakeProvider } from "./fake-provider.js";

const APP = "https://app.example.com";

// Issue 14, item 9 (its Cache-Control part): an error page answered by `onCallback` kept whatever
// caching headers the hook gave it, unlike every other auth response.
describe("an onCallback error response", () => {
  it("is never cached, whatever the hook's headers said", async () => {
    const op = await fakeProvider("https://op.example.com/");
    const auth = createAuth({
      secret: SECRET,
      issuer: op.issuer,
      clientId: "client",
      clientSecret: "client-secret",
      appBaseUrl: APP,
      fetch: op.fetch,
      onCallback: (error) =>
        new Response(`sign-in failed: ${error?.code}`, {
          status: 400,
          headers: { "cache-control": "public, max-age=3600" },
        }),
      logger: { warn() {}, error() {} },
      env: {},
    });
    const app = appBrowser(auth, APP);
    const start = await app.get("/auth/login");
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    const answer = await app.get(`/auth/callback?state=${state}&error=access_denied`);
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain("OIDC_AUTHORIZATION_DENIED");
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });
});
