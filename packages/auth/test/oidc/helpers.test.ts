import fc from "fast-check";
import type { IDToken } from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors.js";
import { OidcError } from "../../src/oidc/oidc-error.js";
import { needsRefresh } from "../../src/oidc/refresh.js";
import { memoryReplayStore } from "../../src/oidc/replay-cache.js";
import { createSingleFlight } from "../../src/oidc/single-flight.js";
import { tokenSetFromResponse, userFromIdTokenClaims } from "../../src/oidc/token-set.js";
import {
  createState,
  isLoginTransaction,
  isTransactionExpired,
  stateCreatedAt,
  transactionCookieName,
  transactionCookiesToDrop,
} from "../../src/oidc/transaction.js";

const random = "r".repeat(43);

describe("transaction cookies", () => {
  const now = 1_750_000_000_000;
  const name = (ageSeconds: number, suffix = random) =>
    transactionCookieName(createState(suffix, now - ageSeconds * 1000));

  it("states carry their creation time and sort by it", () => {
    expect(stateCreatedAt(createState(random, now))).toBe(now);
    expect(createState(random, now - 1) < createState(random, now)).toBe(true);
    expect(stateCreatedAt("nope")).toBeUndefined();
  });

  it("drops the oldest so that at most max exist after adding one", () => {
    const names = [name(10), name(50), name(30), name(20), "__session", "other"];
    expect(transactionCookiesToDrop(names, { max: 3, now })).toEqual([name(50), name(30)]);
    expect(transactionCookiesToDrop(names, { max: 3, adding: 0, now })).toEqual([name(50)]);
    expect(transactionCookiesToDrop([name(10)], { max: 3, now })).toEqual([]);
  });

  it("drops expired and unreadable transaction cookies whatever the count", () => {
    const names = [name(10), name(700), "__txn_garbage!", name(-3600)];
    expect(transactionCookiesToDrop(names, { max: 5, now, maxAge: 600 }).sort()).toEqual(
      [name(700), "__txn_garbage!", name(-3600)].sort(),
    );
  });

  it("never leaves more than max - adding cookies (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -30, max: 900 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        (ages, max) => {
          const names = ages.map((age, index) => name(age, `${index}`.padStart(43, "x")));
          const dropped = new Set(transactionCookiesToDrop(names, { max, now }));
          const kept = new Set(names.filter((cookie) => !dropped.has(cookie)));
          return kept.size <= max - 1;
        },
      ),
    );
  });

  it("checks the shape and age of an unsealed transaction", () => {
    const transaction = {
      state: "s",
      nonce: "n",
      codeVerifier: "v",
      returnTo: "https://app.example/",
      createdAt: now,
    };
    expect(isLoginTransaction(transaction)).toBe(true);
    expect(isLoginTransaction({ ...transaction, nonce: "" })).toBe(false);
    expect(isLoginTransaction({ ...transaction, createdAt: "now" })).toBe(false);
    expect(isLoginTransaction(null)).toBe(false);
    expect(isTransactionExpired(transaction, 600, now + 599_000)).toBe(false);
    expect(isTransactionExpired(transaction, 600, now + 601_000)).toBe(true);
  });
});

describe("needsRefresh", () => {
  const now = 1_750_000_000_000;
  it("answers by expiry and buffer", () => {
    expect(
      needsRefresh({ accessToken: "a", expiresAt: now + 120_000 }, { refreshBuffer: 60, now }),
    ).toBe(false);
    expect(
      needsRefresh({ accessToken: "a", expiresAt: now + 59_000 }, { refreshBuffer: 60, now }),
    ).toBe(true);
    expect(needsRefresh({ accessToken: "a", expiresAt: now - 1 }, { refreshBuffer: 0, now })).toBe(
      true,
    );
    expect(needsRefresh({ accessToken: "a" }, { refreshBuffer: 60, now })).toBe(false);
    expect(needsRefresh({ refreshToken: "r" }, { refreshBuffer: 60, now })).toBe(true);
  });
});

describe("token sets and user claims", () => {
  it("keeps the old refresh and ID token when the provider sends none", () => {
    const tokenSet = tokenSetFromResponse(
      { access_token: "new", token_type: "bearer", expires_in: 300 },
      1000,
      { accessToken: "old", refreshToken: "rt", idToken: "id", scope: "openid" },
    );
    expect(tokenSet).toEqual({
      accessToken: "new",
      tokenType: "bearer",
      refreshToken: "rt",
      idToken: "id",
      scope: "openid",
      expiresAt: 301_000,
    });
  });

  it("filters protocol claims out of the user", () => {
    const claims = {
      iss: "https://id.example",
      sub: "u1",
      aud: "c",
      exp: 2,
      iat: 1,
      nonce: "n",
      at_hash: "h",
      c_hash: "h",
      sid: "s",
      auth_time: 1,
      azp: "c",
      email: "u1@example.test",
      roles: ["admin"],
    } as unknown as IDToken;
    expect(userFromIdTokenClaims(claims)).toEqual({
      sub: "u1",
      email: "u1@example.test",
      roles: ["admin"],
    });
  });
});

describe("createSingleFlight", () => {
  it("shares a running task per key and forgets it once settled, success or failure", async () => {
    const flight = createSingleFlight<number>();
    let calls = 0;
    let release: (value: number) => void = () => undefined;
    const task = () => {
      calls += 1;
      return new Promise<number>((resolve) => {
        release = resolve;
      });
    };
    const a = flight.run("k", task);
    const b = flight.run("k", task);
    const other = flight.run("other", async () => 7);
    expect(flight.size).toBe(2);
    release(42);
    expect(await Promise.all([a, b, other])).toEqual([42, 42, 7]);
    expect(calls).toBe(1);
    expect(flight.size).toBe(0);

    await expect(flight.run("k", async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    await expect(
      flight.run("k", () => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    expect(await flight.run("k", async () => 1)).toBe(1);
  });
});

describe("memoryReplayStore", () => {
  it("claims a jti once until it expires", async () => {
    let clock = 1000;
    const cache = memoryReplayStore({ now: () => clock });
    expect(await cache.claimLogoutToken("a", 5000)).toBe(true);
    expect(await cache.claimLogoutToken("a", 5000)).toBe(false);
    expect(await cache.claimLogoutToken("b", 5000)).toBe(true);
    clock = 5001;
    expect(await cache.claimLogoutToken("a", 9000)).toBe(true);
  });

  it("stays bounded, evicting expired entries first, then the oldest", async () => {
    let clock = 0;
    const cache = memoryReplayStore({ maxEntries: 3, now: () => clock });
    await cache.claimLogoutToken("short", 10);
    await cache.claimLogoutToken("long-1", 1000);
    await cache.claimLogoutToken("long-2", 1000);
    clock = 20;
    expect(await cache.claimLogoutToken("long-3", 1000)).toBe(true);
    // "short" expired and was swept; the long ones are all still remembered.
    expect(await cache.claimLogoutToken("long-1", 1000)).toBe(false);
    expect(await cache.claimLogoutToken("long-2", 1000)).toBe(false);
    expect(await cache.claimLogoutToken("long-4", 1000)).toBe(true);
    // Full of live entries: the oldest went.
    expect(await cache.claimLogoutToken("long-1", 1000)).toBe(true);
  });
});

describe("OidcError", () => {
  it("is an AuthError with a status and a reason", () => {
    const error = new OidcError("OIDC_CALLBACK_INVALID", "bad", { reason: "state_mismatch" });
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("OidcError");
    expect(error.status).toBe(400);
    expect(error.reason).toBe("state_mismatch");
    expect(new OidcError("OIDC_REFRESH_REJECTED", "x").reason).toBe("refresh_rejected");
    expect(new OidcError("OIDC_REFRESH_REJECTED", "x").status).toBe(401);
    expect(
      Object.keys(new OidcError("OIDC_DISCOVERY_FAILED", "x", { cause: new Error("c") })),
    ).not.toContain("cause");
  });
});
