import { NextRequest } from "next/server.js";
import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/options.js";
import { generateSessionCookie } from "../../src/testing/generate-session-cookie.js";
import { makeSession, recordingLogger, SECRET, setCookies } from "../helpers.js";

// Issue 14, item 8: in session-only mode without appBaseUrl, a TLS-terminating proxy in front of
// `next start` (the app sees http://localhost:3000) made every session cookie go out without
// Secure, silently.
async function rolledCookie(options: AuthOptions, headers: Record<string, string> = {}) {
  const auth = createAuth({ secret: SECRET, env: {}, ...options });
  const cookie = await generateSessionCookie(makeSession(), { secret: SECRET });
  const request = (extra: Record<string, string>) =>
    new NextRequest("http://localhost:3000/dashboard", {
      headers: { cookie: `__session=${cookie}`, ...extra },
    });
  const first = setCookies(await auth.middleware(request(headers)));
  const second = setCookies(await auth.middleware(request(headers)));
  return { first: first.get("__session"), second: second.get("__session") };
}

describe("Secure behind a TLS-terminating proxy", () => {
  it("trustProxy: X-Forwarded-Proto https makes the session cookie Secure", async () => {
    const { first } = await rolledCookie({ trustProxy: true }, { "x-forwarded-proto": "https" });
    expect(first?.secure).toBe(true);
  });

  it("trustProxy: the client-facing (first) hop decides", async () => {
    const { first } = await rolledCookie(
      { trustProxy: true },
      { "x-forwarded-proto": "https, http" },
    );
    expect(first?.secure).toBe(true);
  });

  it("without trustProxy, the header is ignored (a client could send it)", async () => {
    const { first } = await rolledCookie({}, { "x-forwarded-proto": "https" });
    expect(first?.secure).toBeUndefined();
  });

  it("AUTH_TRUST_PROXY turns it on too", async () => {
    const { first } = await rolledCookie(
      { env: { AUTH_TRUST_PROXY: "true" } },
      { "x-forwarded-proto": "https" },
    );
    expect(first?.secure).toBe(true);
  });

  it("warns once when a production app sends a session cookie without Secure", async () => {
    const logger = recordingLogger();
    await rolledCookie({ logger, env: { NODE_ENV: "production" } });
    const warnings = logger.lines.filter((line) => line.includes("without Secure"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("trustProxy");
  });

  it("warns at start-up when production is configured without Secure; never outside production", async () => {
    const logger = recordingLogger();
    createAuth({
      secret: SECRET,
      logger,
      env: { NODE_ENV: "production" },
      cookie: { secure: false },
    });
    expect(logger.lines.filter((line) => line.includes("without Secure"))).toHaveLength(1);
    const quiet = recordingLogger();
    await rolledCookie({ logger: quiet, env: { NODE_ENV: "development" } });
    expect(quiet.lines).toEqual([]);
  });
});
