import { type SessionStore, SessionStoreError, sessionStoreMethods } from "@sessionkit/auth/store";

/** Options of {@link testSessionStore} and of every group (`testBasics`…). */
export interface TestSessionStoreOptions<S extends SessionStore = SessionStore> {
  /** Names the store in every test title, e.g. `"redisStore (cluster)"`. */
  name: string;
  /** A fresh store for each test, isolated from every other (random prefix or table). */
  createStore(): S | Promise<S>;
  /** Releases what `createStore()` made (drop the table, quit the client). @default nothing */
  destroyStore?(store: S): void | Promise<void>;
  /**
   * Plants an unreadable record (bad JSON, wrong shape) under `id` as the store
   * sees it; declaring it enables the corrupt-data group. @default undefined (group off)
   */
  corrupt?(store: S, id: string): Promise<void>;
  /**
   * Takes the backend down and brings it back on the same address; declaring it
   * enables the fault group. Backends from `@sessionkit/store-conformance/backends`
   * fit as they are. @default undefined (group off)
   */
  outage?: { stop(): Promise<void>; start(): Promise<void> };
  /**
   * `testSessionStore` only: writes a JSON report (suite version, store name, groups run and
   * skipped with why, pass/fail per rule) to this path, relative to the working directory, when
   * the test file is done. The `SESSIONKIT_CONFORMANCE_REPORT` env var does the same.
   * @default undefined (no report)
   */
  report?: string;
}

/** Methods a store written against the previous contract lacks. */
const addedMethods = new Set<string>(["touch", "listSessions"]);

/** The suite's own misuse: the same error a driver throws for a bad argument. */
export const invalidOption = (message: string) =>
  new SessionStoreError("STORE_INVALID_ARGUMENT", message);

/**
 * Checks the options once, where the suite is declared, and says exactly what is wrong
 * (`SessionStoreError` `STORE_INVALID_ARGUMENT`).
 */
export function validateOptions<S extends SessionStore>(
  options: TestSessionStoreOptions<S>,
  caller: string,
): TestSessionStoreOptions<S> {
  const fail = (problem: string): never => {
    throw invalidOption(`${caller}: ${problem}`);
  };
  if (typeof options !== "object" || options === null) {
    fail(
      "expected an options object: { name, createStore, destroyStore?, corrupt?, outage?, report? }",
    );
  }
  if (typeof options.name !== "string" || options.name.trim() === "") {
    fail("`name` must be a non-empty string naming the store under test");
  }
  if (typeof options.createStore !== "function") {
    fail("`createStore` must be a function returning a fresh SessionStore (or a promise of one)");
  }
  if (options.destroyStore !== undefined && typeof options.destroyStore !== "function") {
    fail("`destroyStore`, when given, must be a function (store) => void | Promise<void>");
  }
  if (options.corrupt !== undefined && typeof options.corrupt !== "function") {
    fail("`corrupt`, when given, must be a function (store, id) => Promise<void>");
  }
  if (options.outage !== undefined) {
    const { outage } = options;
    if (
      typeof outage !== "object" ||
      outage === null ||
      typeof outage.stop !== "function" ||
      typeof outage.start !== "function"
    ) {
      fail("`outage`, when given, must be an object with stop() and start() functions");
    }
  }
  if (
    options.report !== undefined &&
    (typeof options.report !== "string" || options.report === "")
  ) {
    fail("`report`, when given, must be the path of the JSON report to write");
  }
  const known = new Set(["name", "createStore", "destroyStore", "corrupt", "outage", "report"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) fail(`unknown option \`${key}\` (a typo?)`);
  }
  return options;
}

/** Fails clearly when `createStore()` hands back something that is not a SessionStore. */
export function assertIsStore(store: unknown, name: string): asserts store is SessionStore {
  if (typeof store !== "object" || store === null) {
    throw invalidOption(`${name}: createStore() returned ${String(store)}, not a SessionStore`);
  }
  const record = store as Record<string, unknown>;
  const missing = sessionStoreMethods.filter((method) => typeof record[method] !== "function");
  if (missing.length > 0) {
    const migration = missing.some((method) => addedMethods.has(method))
      ? " (touch and listSessions joined the contract: see the migration note in docs/writing-a-store.md)"
      : "";
    throw invalidOption(
      `${name}: createStore() returned a store without ${missing.join(", ")}()${migration}`,
    );
  }
}
