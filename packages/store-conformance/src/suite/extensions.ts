import type { SessionStore } from "@sessionkit/auth/store";
import { beforeAll, it, type TestContext } from "vitest";
import { withStore } from "./fixtures.js";
import type { TestSessionStoreOptions } from "./options.js";

/** An optional extension of the contract: its name and its methods, the first one detecting it. */
export interface Extension {
  name: string;
  methods: readonly [string, ...string[]];
}

/**
 * Declares, inside an optional group's `describe`, how the group finds out whether the store
 * has the extension: one store is made before the group's tests and asked for the methods (a
 * store declares an extension by having them, as express-session detects `touch`). Answers a
 * guard each test calls first: it skips the test, with the reason in the output, when the
 * store lacks the extension. A first test fails a store that has only some of the methods.
 */
export function declareExtension<S extends SessionStore>(
  o: TestSessionStoreOptions<S>,
  extension: Extension,
): (context: TestContext) => void {
  const [detecting] = extension.methods;
  let found: { has: string[]; lacks: string[] } | undefined;
  beforeAll(() =>
    withStore(o, async (store) => {
      const record = store as unknown as Record<string, unknown>;
      const has = extension.methods.filter((method) => typeof record[method] === "function");
      const lacks = extension.methods.filter((method) => !has.includes(method));
      found = { has, lacks };
    }),
  );
  const implemented = () => found?.has.includes(detecting) === true;
  const note = `${extension.name} not implemented by this store (no ${detecting}()): skipped by design`;

  it(`${extension.name}: all of ${extension.methods.map((m) => `${m}()`).join(", ")} or none (without ${detecting}() the group is skipped by design)`, ({
    expect,
    skip,
  }) => {
    skip(!implemented(), note);
    expect(
      found?.lacks,
      `the store has ${detecting}() but not ${found?.lacks.join(", ")}(): ${extension.name} needs them all`,
    ).toEqual([]);
  });

  return (context) => context.skip(!implemented(), note);
}
