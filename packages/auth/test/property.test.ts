import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAuth } from "../src/create-auth.js";
import { memoryStore } from "../src/store/memory-store.js";
import { generateSessionCookie } from "../src/testing/index.js";
import { makeSession, recordingLogger, requestWith, SECRET } from "./helpers.js";

const good = await generateSessionCookie(makeSession(), { secret: SECRET });
const stateless = createAuth({ secret: SECRET, logger: recordingLogger() });
const stateful = createAuth({
  secret: SECRET,
  sessionStore: memoryStore(),
  logger: recordingLogger(),
});

// Any character a Cookie header can carry (visible ASCII, space, tab, latin-1).
const headerChar = fc
  .oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.constant(0x09),
    fc.integer({ min: 0x80, max: 0xff }),
  )
  .map((c) => String.fromCharCode(c));
const headerText = fc.array(headerChar, { maxLength: 300 }).map((cs) => cs.join(""));

// Pieces that make it likely to hit the session parser's edges.
const piece = fc.oneof(
  headerText,
  fc.constantFrom(good, good.slice(0, 100), good.slice(100), good.replace(/A/g, "B"), "", "=", ";"),
  fc.integer({ min: 0, max: good.length }).map((n) => good.slice(0, n)),
  fc.base64String({ maxLength: 200 }),
);
const name = fc.oneof(
  fc.constantFrom(
    "__session",
    "__session.0",
    "__session.1",
    "__session.20",
    "__session__0",
    "__session.01",
    "__session.x",
  ),
  fc.stringMatching(/^[A-Za-z_.]{1,12}$/),
);
const structured = fc
  .array(fc.tuple(name, piece), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("; "));
const cookieHeader = fc.oneof(headerText, structured);

describe("any Cookie header", () => {
  it("never makes getSession or middleware throw, and never yields a session it should not", async () => {
    await fc.assert(
      fc.asyncProperty(cookieHeader, async (header) => {
        for (const auth of [stateless, stateful]) {
          const session = await auth.getSession(requestWith(header));
          if (session) expect(header).toContain(good.slice(0, 50));
          const response = await auth.middleware(requestWith(header));
          expect(response.status).toBe(200);
        }
      }),
      { numRuns: 300 },
    );
  });
});
