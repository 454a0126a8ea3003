import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAuthError } from "../../src/errors.js";
import { recordingLogger } from "../helpers.js";
import { startTestProvider, type TestProvider } from "../oidc/provider.js";
import { appBrowser, authFor, login } from "./app.js";

let op: TestProvider;

beforeAll(async () => {
  op = await startTestProvider();
});

afterAll(async () => {
  await op?.close();
});

describe("what a failed login answers", () => {
  it("a bug (here a hook that returns a session without user.sub) is 500 and logged, not a 403", async () => {
    const logger = recordingLogger();
    const seen: unknown[] = [];
    const auth = authFor(op, {
      logger,
      beforeSessionSaved: (session) => ({ ...session, user: {} }) as typeof session,
      onCallback: (error) => {
        seen.push(error);
        throw new Error("fall back to the default answer");
      },
    });
    const app = appBrowser(auth, op.appBaseUrl);
    const { callback } = await login(app, op, { accountId: "kim" });
    expect(callback.status).toBe(500);
    expect(isAuthError(seen[0])).toBe(true);
    expect((seen[0] as { status: number }).status).toBe(500);
    expect(logger.lines.some((line) => line.includes("the login callback failed"))).toBe(true);
    expect(app.cookies.has("__session")).toBe(false);
  });

  it("a hook that refuses the login is still 403 session_rejected, and not logged as a failure", async () => {
    const logger = recordingLogger();
    const auth = authFor(op, {
      logger,
      beforeSessionSaved: () => {
        throw new Error("not on the allow-list");
      },
    });
    const app = appBrowser(auth, op.appBaseUrl);
    const { callback } = await login(app, op, { accountId: "lou" });
    expect(callback.status).toBe(403);
    expect(await callback.text()).toContain("session_rejected");
    expect(logger.lines.filter((line) => line.includes("login callback failed"))).toEqual([]);
  });
});
