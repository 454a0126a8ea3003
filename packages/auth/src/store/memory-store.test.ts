import { describe, expect, it } from "vitest";
import { memoryStore } from "./memory-store.js";
import type { SessionData } from "./types.js";

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
