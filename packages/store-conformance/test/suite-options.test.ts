import { memoryStore } from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import { testCorruptData, testFaults, testSessionStore } from "../src/index.js";
import { withStore } from "../src/suite/fixtures.js";
import type { TestSessionStoreOptions } from "../src/suite/options.js";

const declare = (options: unknown) => () => testSessionStore(options as TestSessionStoreOptions);

describe("the suite checks its options and says what is wrong", () => {
  it("rejects a missing or empty name", () => {
    expect(declare({ createStore: memoryStore })).toThrow(
      "testSessionStore: `name` must be a non-empty string naming the store under test",
    );
    expect(declare({ name: " ", createStore: memoryStore })).toThrow(/`name`/);
  });

  it("a bad option is SessionStoreError STORE_INVALID_ARGUMENT, as in the drivers", () => {
    expect(declare({ name: "x" })).toThrow(
      expect.objectContaining({ name: "SessionStoreError", code: "STORE_INVALID_ARGUMENT" }),
    );
  });

  it("rejects a missing createStore and a non-object", () => {
    expect(declare({ name: "x" })).toThrow(/`createStore` must be a function/);
    expect(declare(undefined)).toThrow(/expected an options object/);
  });

  it("rejects malformed optional abilities and unknown keys", () => {
    expect(declare({ name: "x", createStore: memoryStore, corrupt: "yes" })).toThrow(
      /`corrupt`, when given, must be a function/,
    );
    expect(declare({ name: "x", createStore: memoryStore, outage: { stop() {} } })).toThrow(
      /`outage`, when given, must be an object with stop\(\) and start\(\)/,
    );
    expect(declare({ name: "x", createStore: memoryStore, destroy: () => {} })).toThrow(
      "testSessionStore: unknown option `destroy` (a typo?)",
    );
  });

  it("a group that needs an ability says so when it is missing", () => {
    const options = { name: "x", createStore: memoryStore };
    expect(() => testCorruptData(options)).toThrow(/needs the `corrupt\(store, id\)` option/);
    expect(() => testFaults(options)).toThrow(/needs the `outage: \{ stop, start \}` option/);
  });

  it("says so when createStore() returns something that is not a store", async () => {
    const notAStore = { get: async () => null } as unknown as ReturnType<typeof memoryStore>;
    await expect(
      withStore({ name: "mine", createStore: () => notAStore }, async () => {}),
    ).rejects.toThrow(
      "mine: createStore() returned a store without set, update, touch, delete, deleteByLogoutToken, listSessions() (touch and listSessions joined the contract",
    );
  });

  it("always destroys the store, even when a test fails", async () => {
    const destroyed: unknown[] = [];
    const store = memoryStore();
    await expect(
      withStore(
        { name: "x", createStore: () => store, destroyStore: (s) => void destroyed.push(s) },
        async () => {
          throw new Error("test failed");
        },
      ),
    ).rejects.toThrow("test failed");
    expect(destroyed).toEqual([store]);
  });
});
