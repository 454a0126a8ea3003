import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/store/memory-store.js";
import type { SessionData } from "../../src/store/types.js";

const session = (sub: string, sid?: string, iss = "https://op.example"): SessionData => ({
  user: { sub },
  tokenSet: {},
  internal: { iss, sid, createdAt: Date.now(), expiresAt: Date.now() + 60_000 },
});
const later = () => ({ expiresAt: Date.now() + 60_000 });

describe("memoryStore", () => {
  it("round-trips a fresh copy", async () => {
    const store = memoryStore();
    const s = session("alice", "s1");
    await store.set("a", s, later());
    const got = await store.get("a");
    expect(got).toEqual(s);
    got!.user.sub = "mallory";
    expect((await store.get("a"))?.user.sub).toBe("alice");
  });

  it("ends sessions by sid, by sub, and by both only when both match", async () => {
    const store = memoryStore();
    await store.set("1", session("alice", "s1"), later());
    await store.set("2", session("alice", "s2"), later());
    await store.set("3", session("bob", "s1"), later());
    await store.set("4", session("alice", "s3", "https://other.example"), later());
    expect(
      await store.deleteByLogoutToken({ iss: "https://op.example", sid: "s1", sub: "alice" }),
    ).toBe(1);
    expect(await store.get("3")).not.toBeNull();
    expect(await store.deleteByLogoutToken({ iss: "https://op.example", sub: "alice" })).toBe(1);
    expect(await store.get("4")).not.toBeNull();
    await expect(store.deleteByLogoutToken({ iss: "https://op.example" })).rejects.toThrow(/sid/);
  });

  it("updates only live sessions and never serves expired ones", async () => {
    const store = memoryStore();
    expect(await store.update("x", session("alice"), later())).toBe(false);
    await store.set("x", session("alice"), { expiresAt: Date.now() + 30 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.get("x")).toBeNull();
    expect(await store.update("x", session("alice"), later())).toBe(false);
    await store.set("y", session("alice"), { expiresAt: Date.now() - 1 });
    expect(await store.get("y")).toBeNull();
  });
});

describe("memoryStore input checks", () => {
  it("rejects an expiresAt that is not a finite time instead of keeping the session forever", async () => {
    const store = memoryStore();
    await expect(store.set("a", session("alice"), { expiresAt: Number.NaN })).rejects.toMatchObject(
      {
        code: "STORE_INVALID_ARGUMENT",
      },
    );
    await expect(
      store.update("a", session("alice"), { expiresAt: Infinity }),
    ).rejects.toMatchObject({
      code: "STORE_INVALID_ARGUMENT",
    });
    expect(await store.get("a")).toBeNull();
  });

  it("rejects an empty id", async () => {
    const store = memoryStore();
    await expect(store.get("")).rejects.toMatchObject({ code: "STORE_INVALID_ARGUMENT" });
    await expect(store.set("", session("alice"), later())).rejects.toMatchObject({
      code: "STORE_INVALID_ARGUMENT",
    });
  });
});

describe("memoryStore touch and listSessions", () => {
  it("touch moves only the expiry, and listSessions shows it", async () => {
    const store = memoryStore();
    const s = session("alice", "s1");
    await store.set("a", s, later());
    const expiresAt = Date.now() + 120_000;
    expect(await store.touch("a", { expiresAt })).toBe(true);
    expect(await store.get("a")).toEqual(s);
    expect(await store.listSessions({ iss: "https://op.example", sub: "alice" })).toEqual([
      { id: "a", session: s, expiresAt },
    ]);
    expect(await store.touch("missing", { expiresAt })).toBe(false);
    expect(await store.touch("a", { expiresAt: Date.now() - 1 })).toBe(false);
    expect(await store.get("a")).toBeNull();
    expect(await store.listSessions({ iss: "https://op.example", sub: "alice" })).toEqual([]);
  });

  it("rejects a listSessions owner without iss or sub", async () => {
    const store = memoryStore();
    await expect(store.listSessions({ iss: "", sub: "alice" })).rejects.toMatchObject({
      code: "STORE_INVALID_ARGUMENT",
    });
  });
});

describe("memoryStore optional extensions", () => {
  it("claims a logout token once until it expires or is released", async () => {
    const store = memoryStore();
    expect(await store.claimLogoutToken("jti-1", Date.now() + 60_000)).toBe(true);
    expect(await store.claimLogoutToken("jti-1", Date.now() + 60_000)).toBe(false);
    await store.releaseLogoutToken("jti-1");
    expect(await store.claimLogoutToken("jti-1", Date.now() + 60_000)).toBe(true);
  });

  it("holds a refresh lease for one holder at a time", async () => {
    const store = memoryStore();
    const until = Date.now() + 60_000;
    expect(await store.acquireRefreshLease("a", "one", until)).toBe(true);
    expect(await store.acquireRefreshLease("a", "two", until)).toBe(false);
    expect(await store.acquireRefreshLease("a", "one", until + 1)).toBe(true);
    await store.releaseRefreshLease("a", "two");
    expect(await store.acquireRefreshLease("a", "two", until)).toBe(false);
    await store.releaseRefreshLease("a", "one");
    expect(await store.acquireRefreshLease("a", "two", until)).toBe(true);
    expect(await store.acquireRefreshLease("b", "one", Date.now() - 1)).toBe(false);
  });
});

describe("memoryStore options", () => {
  it("refuses the old millisecond `sweepInterval`, naming the new option", () => {
    expect(() => memoryStore({ sweepInterval: 1000 } as never)).toThrow(
      expect.objectContaining({
        code: "STORE_INVALID_ARGUMENT",
        message: expect.stringContaining("sweepIntervalSeconds"),
      }),
    );
    expect(() => memoryStore({ sweepIntervalSeconds: -1 })).toThrow(/sweepIntervalSeconds/);
    expect(() => memoryStore({ sweepIntervalSeconds: 30 })).not.toThrow();
  });
});
