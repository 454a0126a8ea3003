import { NextRequest } from "next/server.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, createAuth } from "../../src/create-auth.js";
import type { SessionEvent } from "../../src/session/session-events.js";
import { memoryStore } from "../../src/store/memory-store.js";
import { recordingLogger, SECRET } from "../helpers.js";
import { type AppBrowser, appBrowser } from "../routes/app.js";
import { backchannelPost } from "./fake-provider.js";
import {
  type Glewlwyd,
  type GlewlwydBrowser,
  glewlwydUnavailable,
  startGlewlwyd,
} from "./glewlwyd.js";

const APP = "http://localhost:3000";
const unavailable = glewlwydUnavailable();

// Issue 14, item 6: a second, independent OpenID Provider. glewlwyd 2.7 signs logout tokens with
// `typ: "JWT"` and no `exp` (an earlier draft of Back-Channel Logout): every one was refused
// (typ_invalid, then exp_missing) and the session survived.
// Skipped only on a developer machine where glewlwyd or sqlite3 is not installed
// (scripts/setup-system.sh, which `npm test` runs, installs both). Under CI a missing one fails
// here, saying what is missing, rather than passing by skipping.
const skipHere = unavailable !== undefined && !process.env.CI;

describe.skipIf(skipHere)("glewlwyd 2.7 (Debian) end to end", () => {
  let op: Glewlwyd;
  let auth: Auth;
  const events: SessionEvent[] = [];

  beforeAll(async () => {
    if (unavailable) throw new Error(`glewlwyd cannot run: ${unavailable}`);
    op = await startGlewlwyd({ redirectBase: APP });
    auth = createAuth({
      secret: SECRET,
      issuer: op.issuer,
      clientId: op.clientId,
      clientSecret: op.clientSecret,
      clientAuthMethod: "client_secret_post",
      appBaseUrl: APP,
      scope: "openid",
      sessionStore: memoryStore(),
      onSessionEvent: (event) => {
        events.push(event);
      },
      logger: { warn() {}, error() {} },
      env: {},
    });
  }, 60_000);
  afterAll(async () => {
    await op?.stop();
  });

  async function signIn(app: AppBrowser, browser: GlewlwydBrowser) {
    const start = await app.get("/auth/login");
    expect(start.status).toBe(302);
    const callback = await app.get(
      await browser.authorize(new URL(start.headers.get("location")!)),
    );
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect((await app.get("/auth/profile")).status).toBe(200);
  }

  async function deliver(token: string) {
    const [header, payload] = token
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    // glewlwyd's shape: an earlier draft of the spec.
    expect(header.typ).toBe("JWT");
    expect(payload.exp).toBeUndefined();
    const answer = await auth.middleware(backchannelPost(`${APP}/auth/backchannel-logout`, token));
    expect(answer.status, await answer.clone().text()).toBe(200);
    return events.filter((e) => e.type === "ended" && e.reason === "back-channel-logout").at(-1);
  }

  it("a logout at the provider ends the app session through back-channel logout", async () => {
    const app = appBrowser(auth, APP);
    const browser = op.browser();
    await signIn(app, browser);
    const session = await auth.getSession(
      new NextRequest(`${APP}/`, {
        headers: { cookie: [...app.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
      }),
    );
    // The user signs out at glewlwyd (another app, its own pages): the app is only told.
    const loggedOut = op.nextLogout();
    await browser.endSession(
      new URL(
        `${op.issuer}/end_session?${new URLSearchParams({ id_token_hint: session!.tokenSet.idToken! })}`,
      ),
    );
    expect(await deliver(await loggedOut)).toMatchObject({ count: 1, sid: session!.internal.sid });
    expect((await app.get("/auth/profile")).status).toBe(401);
  });

  it("RP-initiated logout: glewlwyd's logout token for the ended session is accepted", async () => {
    const app = appBrowser(auth, APP);
    const browser = op.browser();
    await signIn(app, browser);
    const loggedOut = op.nextLogout();
    const logout = await app.get("/auth/logout");
    expect(logout.status).toBe(302);
    expect((await app.get("/auth/profile")).status).toBe(401);
    await browser.endSession(new URL(logout.headers.get("location")!));
    // The app already ended its session: nothing left to end, but no 400 typ_invalid either.
    expect(await deliver(await loggedOut)).toMatchObject({ count: 0 });
  });

  it("a client glewlwyd refuses (Basic credentials it does not form-decode) is OIDC_CLIENT_REJECTED, logged", async () => {
    // RFC 6749 form-encodes Basic credentials: "/" and "+" become %2F and %2B, which glewlwyd
    // compares undecoded. Issue 14, item 10: this was a silent 502.
    await op.addClient("sessionkitbasic", "basic/secret+0123456789", "client_secret_basic");
    const logger = recordingLogger();
    const basic = createAuth({
      secret: SECRET,
      issuer: op.issuer,
      clientId: "sessionkitbasic",
      clientSecret: "basic/secret+0123456789",
      clientAuthMethod: "client_secret_basic",
      appBaseUrl: APP,
      scope: "openid",
      logger,
      env: {},
    });
    const app = appBrowser(basic, APP);
    const start = await app.get("/auth/login");
    const callbackUrl = await op.browser().authorize(new URL(start.headers.get("location")!));
    const callback = await app.get(callbackUrl);
    expect(callback.status).toBe(500);
    const line = logger.lines.find((l) => l.includes("login callback failed"));
    expect(line).toMatch(/refused this client \((invalid_client|unauthorized_client)/);
    expect(line).toContain("client_secret_post");
    expect(logger.lines.join("\n")).not.toContain("basic/secret");
  });
});
