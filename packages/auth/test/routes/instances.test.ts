import { NextRequest } from "next/server.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/store/memory-store.js";
import { startTestProvider, type TestProvider } from "../oidc/provider.js";
import { appBrowser, authFor, login } from "./app.js";

let op: TestProvider;

beforeAll(async () => {
  // Access tokens live 60 s and the app refreshes 120 s ahead: every access-token call refreshes.
  op = await startTestProvider({ accessTokenTtl: 60 });
});

afterAll(async () => {
  await op?.close();
});

describe("two app instances sharing one store", () => {
  it("spend each rotating refresh token once: 20 parallel refreshes split across both, 5 rounds", async () => {
    // memoryStore implements RefreshLeaseStore, as the Redis, Prisma and DynamoDB stores do.
    const store = memoryStore();
    const instanceA = authFor(op, { sessionStore: store, refreshBuffer: 120 });
    const instanceB = authFor(op, { sessionStore: store, refreshBuffer: 120 });
    const app = appBrowser(instanceA, op.appBaseUrl);
    await login(app, op, { accountId: "instances" });
    const cookie = [...app.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const accessToken = (instance: typeof instanceA) =>
      instance.middleware(
        new NextRequest(`${op.appBaseUrl}/auth/access-token`, { headers: { cookie } }),
      );
    const errorsBefore = op.events.get("grant.error") ?? 0;
    for (let round = 0; round < 5; round++) {
      const before = op.events.get("grant.success") ?? 0;
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => accessToken(i % 2 === 0 ? instanceA : instanceB)),
      );
      expect(
        answers.map((r) => r.status),
        `round ${round}: a request got no access token`,
      ).toEqual(Array(20).fill(200));
      const tokens = new Set(
        await Promise.all(answers.map(async (r) => ((await r.json()) as { token: string }).token)),
      );
      expect(tokens.size, `round ${round}: the instances handed out different tokens`).toBe(1);
      expect(
        (op.events.get("grant.success") ?? 0) - before,
        `round ${round}: refreshes at the provider`,
      ).toBe(1);
      expect(
        (op.events.get("grant.error") ?? 0) - errorsBefore,
        `round ${round}: a spent refresh token was reused (the provider revokes the grant)`,
      ).toBe(0);
    }
    // The session survives and its token chain still works.
    expect((await accessToken(instanceB)).status).toBe(200);
    expect(op.events.get("grant.error") ?? 0).toBe(errorsBefore);
  });
});
