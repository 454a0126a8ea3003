import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreKind } from "./instance-config.ts";
import { type AppInstance, startInstance } from "./instances.ts";
import { startWatchedProvider, tokenTag, type WatchedProvider } from "./provider.ts";
import { type SharedStore, startSharedStore } from "./shared-store.ts";
import { User } from "./user.ts";

/**
 * The public origin both instances share, as behind a load balancer: the provider redirects there
 * and the instances build their URLs from it. Nothing listens on it; the test sends each request
 * to one instance's own port.
 */
const APP_BASE_URL = "http://localhost:43210";
/** Rounds of parallel access-token requests, and requests per round (split across A and B). */
const ROUNDS = 20;
const REQUESTS_PER_ROUND = 20;
/**
 * Seconds: far more than the access token's lifetime at the provider (600 s), so every
 * access-token request finds its token "about to expire" and refreshes — no clock games.
 */
const REFRESH_BUFFER = 86_400;

const LABELS: Record<StoreKind, string> = {
  redis: "Redis",
  prisma: "PostgreSQL via Prisma",
  dynamodb: "DynamoDB Local",
};

/** Statistics of the refresh rounds, printed once at the end (the numbers the issue asks for). */
interface RoundStats {
  refreshes: number[];
  distinctTokens: number[];
}

function logOf(instances: readonly AppInstance[]): string {
  return instances
    .map(
      (instance) =>
        `--- ${instance.name} (last lines) ---\n${instance.output().split("\n").slice(-30).join("\n")}`,
    )
    .join("\n");
}

/**
 * The whole multi-instance suite against one store kind: one backend, one provider and two app
 * processes (A and B) for the file, started once and always torn down.
 */
export function multiInstanceSuite(kind: StoreKind): void {
  describe(`two app instances sharing ${LABELS[kind]}`, () => {
    let store: SharedStore | undefined;
    let watched: WatchedProvider | undefined;
    const instances: AppInstance[] = [];

    const ready = () => {
      if (!store || !watched || instances.length !== 2) throw new Error("the setup did not finish");
      const [a, b] = instances as [AppInstance, AppInstance];
      return { store, watched, op: watched.op, a, b };
    };

    beforeAll(async () => {
      store = await startSharedStore(kind);
      watched = await startWatchedProvider(APP_BASE_URL);
      const secret = randomBytes(32).toString("base64url");
      const started = await Promise.allSettled(
        ["A", "B"].map((letter) =>
          startInstance({
            name: `${kind}-${letter}`,
            store: store!.config,
            auth: {
              issuer: watched!.op.issuer,
              clientId: watched!.op.clientId,
              clientSecret: watched!.op.clientSecret,
              appBaseUrl: APP_BASE_URL,
              secret,
              refreshBuffer: REFRESH_BUFFER,
            },
          }),
        ),
      );
      for (const result of started) if (result.status === "fulfilled") instances.push(result.value);
      const failed = started.find((result) => result.status === "rejected");
      if (failed) throw failed.reason;
    });

    afterAll(async () => {
      // Instances first (they hold clients of the backend), then the provider, then the backend.
      const errors: unknown[] = [];
      const collect = (results: PromiseSettledResult<unknown>[]) => {
        for (const result of results) if (result.status === "rejected") errors.push(result.reason);
      };
      collect(await Promise.allSettled(instances.map((instance) => instance.stop())));
      collect(await Promise.allSettled([watched?.close()]));
      collect(await Promise.allSettled([store?.close()]));
      if (errors.length > 0) throw new AggregateError(errors, "tearing down the stack failed");
    });

    it(`spends each refresh token once: ${ROUNDS} rounds of ${REQUESTS_PER_ROUND} parallel access-token requests split across both instances`, async () => {
      const { watched, op, a, b } = ready();
      const { ledger } = watched;
      const user = new User(op, APP_BASE_URL);
      await user.login(a);
      const stats: RoundStats = { refreshes: [], distinctTokens: [] };

      for (let round = 0; round < ROUNDS; round++) {
        const usesBefore = ledger.uses.length;
        const targets = Array.from({ length: REQUESTS_PER_ROUND }, (_, i) => (i % 2 === 0 ? a : b));
        // Every request carries the same cookies, as parallel fetches from one page do.
        const responses = await Promise.all(
          targets.map((target) => user.send(target, "/auth/access-token")),
        );
        const answers = await Promise.all(
          responses.map(async (response, i) => ({
            instance: targets[i]!.name,
            status: response.status,
            body: await response.text(),
          })),
        );
        for (const response of responses) user.app.take(response);

        const problems: string[] = [];
        const tokens = new Set<string>();
        for (const answer of answers) {
          const token =
            answer.status === 200
              ? (JSON.parse(answer.body) as { token?: unknown }).token
              : undefined;
          if (typeof token === "string" && token !== "") tokens.add(token);
          else
            problems.push(
              `${answer.instance} answered ${answer.status} ${answer.body.slice(0, 200)}`,
            );
        }

        // Each access token handed out is live at the provider (a revoked grant kills them all).
        await Promise.all(
          [...tokens].map(async (token) => {
            const userinfo = await fetch(`${op.issuer}/me`, {
              headers: { authorization: `Bearer ${token}` },
            });
            const claims =
              userinfo.status === 200 ? ((await userinfo.json()) as { sub?: string }) : {};
            if (claims.sub !== user.username) {
              problems.push(
                `access token ${tokenTag(token)} refused at userinfo (${userinfo.status})`,
              );
            }
          }),
        );

        const roundUses = ledger.uses.slice(usesBefore);
        if (roundUses.length === 0) {
          problems.push("no request refreshed, though every access token was due for a refresh");
        }
        for (const use of roundUses) {
          if (!use.accepted)
            problems.push(
              `the provider refused refresh token ${tokenTag(use.refreshToken)}: ${use.error}`,
            );
        }
        for (const [token, count] of ledger.countsByToken()) {
          if (count > 1)
            problems.push(`refresh token ${tokenTag(token)} was presented ${count} times`);
        }
        if (ledger.revokedGrants.length > 0) {
          problems.push(
            `the provider revoked the grant (${ledger.revokedGrants.length}x): a spent refresh token was reused`,
          );
        }

        // The session survives on both instances.
        for (const instance of [a, b]) {
          const profile = await user.visit(instance, "/auth/profile");
          const body = await profile.text();
          if (profile.status !== 200)
            problems.push(
              `then ${instance.name} /auth/profile answered ${profile.status} ${body.slice(0, 200)}`,
            );
        }

        if (problems.length > 0) {
          throw new Error(
            `round ${round + 1} of ${ROUNDS} (${roundUses.length} refreshes this round):\n  ${problems.join("\n  ")}\n${logOf([a, b])}`,
          );
        }
        stats.refreshes.push(roundUses.length);
        stats.distinctTokens.push(tokens.size);
      }

      const total = stats.refreshes.reduce((sum, n) => sum + n, 0);
      console.info(
        `${LABELS[kind]}: ${ROUNDS} rounds × ${REQUESTS_PER_ROUND} requests, 0 failures; ` +
          `${total} refreshes (per round min ${Math.min(...stats.refreshes)}, max ${Math.max(...stats.refreshes)}), ` +
          `each refresh token presented once, no grant revoked`,
      );
      expect(ledger.revokedGrants).toEqual([]);
    });

    for (const [first, second] of [
      ["A", "B"],
      ["B", "A"],
    ] as const) {
      it(`a logout token delivered to instance ${first} ends the session everywhere and instance ${second} refuses it as a replay`, async () => {
        const { watched, op, a, b } = ready();
        const by = { A: a, B: b };
        const [receiver, other] = [by[first], by[second]];
        const user = new User(op, APP_BASE_URL);
        await user.login(receiver);
        expect(
          (await user.send(other, "/auth/profile")).status,
          "signed in on the other instance too",
        ).toBe(200);

        const count = watched.logoutTokens.length;
        await user.endProviderSession();
        await watched.waitForLogoutTokens(count + 1);
        const token = watched.logoutTokens[count]!;
        const post = (instance: AppInstance) =>
          fetch(`${instance.url}/auth/backchannel-logout`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ logout_token: token }),
          });

        const delivered = await post(receiver);
        const deliveredBody = await delivered.text();
        expect(
          delivered.status,
          `${receiver.name} refused a fresh logout token: ${deliveredBody}\n${logOf([a, b])}`,
        ).toBe(200);
        const after = await user.send(other, "/auth/profile");
        expect(after.status, `${other.name} still sees the session after the logout`).toBe(401);

        const replayed = await post(other);
        const replayedBody = await replayed.text();
        expect(
          replayed.status,
          `${other.name} accepted a replayed logout token: ${replayedBody}\n${logOf([a, b])}`,
        ).toBe(400);
        expect(replayedBody, "refused as a replay, not for another reason").toMatch(/replay/i);
      });
    }
  });
}
