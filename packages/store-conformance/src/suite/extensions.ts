import type { SessionStore } from "@sessionkit/auth/store";
import { it, type TestContext } from "vitest";
import { withStore } from "./fixtures.js";
import type { TestSessionStoreOptions } from "./options.js";

/** An optional extension of the contract: its name and its methods, the first one detecting it. */
export interface Extension {
  name: string;
  methods: readonly [string, ...string[]];
}

/**
 * Declares, inside an optional group's `describe`, how the group finds out whether the store
 * has the extension: each test asks its own fresh store for the methods (a store declares an
 * extension by having them, as express-session detects `touch`; no store is made outside a
 * test). Answers a guard each test calls first with its store: it skips the test, with the
 * reason in the output, when the store lacks the extension. A first test fails a store that has
 * only some of the methods.
 */
export function declareExtension<S extends SessionStore>(
  o: TestSessionStoreOptions<S>,
  extension: Extension,
): (context: TestContext, store: S) => void {
  const [detecting] = extension.methods;
  const has = (store: S, method: string) =>
    typeof (store as unknown as Record<string, unknown>)[method] === "function";
  const note = `${extension.name} not implemented by this store (no ${detecting}()): skipped by design`;

  it(`${extension.name}: all of ${extension.methods.map((m) => `${m}()`).join(", ")} or none (without ${detecting}() the group is skipped by design)`, ({
    expect,
    skip,
  }) =>
    withStore(o, async (store) => {
      skip(!has(store, detecting), note);
      const lacks = extension.methods.filter((method) => !has(store, method));
      expect(
        lacks,
        `the store has ${detecting}() but not ${lacks.join(", ")}(): ${extension.name} needs them all`,
      ).toEqual([]);
    }));

  return (context, store) => context.skip(!has(store, detecting), note);
}
