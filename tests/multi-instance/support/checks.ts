import type { AppInstance } from "./instances.ts";
import { tokenTag, type WatchedProvider } from "./provider.ts";
import type { User } from "./user.ts";

/** What one round of parallel access-token requests showed. */
export interface RoundResult {
  /** Everything that broke, one line each, for the failure message; empty when the round passed. */
  problems: string[];
  /** Refresh-token grants the provider answered during the round. */
  refreshes: number;
  /** Different access tokens handed out in the round. */
  distinctTokens: number;
}

/** Options of {@link refreshRound}. */
export interface RoundOptions {
  /** Parallel requests, alternating between the instances. */
  requests: number;
  /**
   * What each request asks for: the built-in route (`/auth/access-token`) or the test app's
   * `/api/token?refresh=1` (`auth.getAccessToken(request, response, { refresh: true })`).
   */
  path: string;
  /**
   * `/auth/profile` requests fired in the same burst (alternating instances too), as a page
   * reads the user while its API calls fetch tokens: a roll must never write an older token set
   * back over a refresh. They must answer 200. @default 0
   */
  profileRequests?: number;
}

/**
 * Fires parallel requests for an access token with the user's current cookies, alternating
 * between `instances`, and checks what the issue asks: every request 200 with an access token the
 * provider accepts at userinfo, every refresh token presented to the provider once and honoured, no
 * grant revoked, and the session still there on every instance afterwards.
 */
export async function refreshRound(
  user: User,
  instances: readonly AppInstance[],
  watched: WatchedProvider,
  { requests, path, profileRequests = 0 }: RoundOptions,
): Promise<RoundResult> {
  const { ledger, op } = watched;
  const usesBefore = ledger.uses.length;
  const pick = (i: number) => instances[i % instances.length]!;
  const burst = [
    ...Array.from({ length: requests }, (_, i) => ({ instance: pick(i), path })),
    ...Array.from({ length: profileRequests }, (_, i) => ({
      instance: pick(i),
      path: "/auth/profile",
    })),
  ];
  // Every request carries the same cookies, as parallel fetches from one page do.
  const responses = await Promise.all(burst.map((item) => user.send(item.instance, item.path)));
  const answers = await Promise.all(
    responses.map(async (response, i) => ({
      instance: burst[i]!.instance.name,
      path: burst[i]!.path,
      status: response.status,
      body: await response.text(),
    })),
  );
  for (const response of responses) user.app.take(response);

  const problems: string[] = [];
  const tokens = new Set<string>();
  for (const answer of answers.filter((item) => item.path === "/auth/profile")) {
    if (answer.status !== 200) {
      problems.push(
        `${answer.instance} /auth/profile answered ${answer.status} ${answer.body.slice(0, 200)}`,
      );
    }
  }
  for (const answer of answers.filter((item) => item.path === path)) {
    const token =
      answer.status === 200 ? (JSON.parse(answer.body) as { token?: unknown }).token : undefined;
    if (typeof token === "string" && token !== "") tokens.add(token);
    else
      problems.push(
        `${answer.instance} ${path} answered ${answer.status} ${answer.body.slice(0, 200)}`,
      );
  }

  // Each access token handed out is live at the provider (a revoked grant kills them all).
  await Promise.all(
    [...tokens].map(async (token) => {
      const userinfo = await fetch(`${op.issuer}/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const claims = userinfo.status === 200 ? ((await userinfo.json()) as { sub?: string }) : {};
      if (userinfo.status !== 200) await userinfo.body?.cancel();
      if (claims.sub !== user.username) {
        problems.push(`access token ${tokenTag(token)} refused at userinfo (${userinfo.status})`);
      }
    }),
  );

  const roundUses = ledger.uses.slice(usesBefore);
  if (roundUses.length === 0) {
    problems.push("no request refreshed, though every access token was due for a refresh");
  }
  for (const use of roundUses) {
    if (!use.accepted) {
      problems.push(
        `the provider refused refresh token ${tokenTag(use.refreshToken)}: ${use.error}`,
      );
    }
  }
  for (const [token, count] of ledger.countsByToken()) {
    if (count > 1) problems.push(`refresh token ${tokenTag(token)} was presented ${count} times`);
  }
  if (ledger.revokedGrants.length > 0) {
    problems.push(
      `the provider revoked the grant (${ledger.revokedGrants.length}x): a spent refresh token was reused`,
    );
  }

  // The session survives on every instance.
  for (const instance of instances) {
    const profile = await user.visit(instance, "/auth/profile");
    const body = await profile.text();
    if (profile.status !== 200) {
      problems.push(
        `then ${instance.name} /auth/profile answered ${profile.status} ${body.slice(0, 200)}`,
      );
    }
  }
  return { problems, refreshes: roundUses.length, distinctTokens: tokens.size };
}

/** How each instance answered one back-channel logout token: delivered first, then replayed. */
export interface ReplayResult {
  delivered: { status: number; body: string };
  /** `/auth/profile` on the other instance right after the delivery. */
  profileAfter: number;
  replayed: { status: number; body: string };
}

/**
 * Signs `user` in through `receiver`, ends the session at the provider, delivers the logout token
 * the provider sent to `receiver`, then replays the same token to `other`.
 */
export async function deliverThenReplay(
  user: User,
  watched: WatchedProvider,
  receiver: AppInstance,
  other: AppInstance,
): Promise<ReplayResult> {
  await user.login(receiver);
  const before = await user.send(other, "/auth/profile");
  await before.body?.cancel();
  if (before.status !== 200) {
    throw new Error(`${other.name} does not see the session signed in on ${receiver.name}`);
  }
  const count = watched.logoutTokens.length;
  await user.endProviderSession();
  await watched.waitForLogoutTokens(count + 1);
  const token = watched.logoutTokens[count]!;
  const post = async (instance: AppInstance) => {
    const response = await fetch(`${instance.url}/auth/backchannel-logout`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ logout_token: token }),
    });
    return { status: response.status, body: await response.text() };
  };

  const delivered = await post(receiver);
  const after = await user.send(other, "/auth/profile");
  await after.body?.cancel();
  const replayed = await post(other);
  return { delivered, profileAfter: after.status, replayed };
}
