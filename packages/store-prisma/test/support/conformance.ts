import type { TestSessionStoreOptions } from "@sessionkit/store-conformance";
import type { PrismaSessionStore } from "../../src/index.js";
import type { StoreContext, TestDatabase } from "./test-database.js";

/** The conformance suite's options for one dialect: a fresh table per store, raw SQL to corrupt. */
export function conformanceOptions(
  name: string,
  database: TestDatabase,
): TestSessionStoreOptions<PrismaSessionStore> {
  const contexts = new WeakMap<PrismaSessionStore, StoreContext>();
  const contextOf = (store: PrismaSessionStore) => {
    const context = contexts.get(store);
    if (!context) throw new Error("not a store that createStore() made");
    return context;
  };
  return {
    name,
    async createStore() {
      const context = await database.createContext();
      contexts.set(context.store, context);
      return context.store;
    },
    async destroyStore(store) {
      await contextOf(store).destroy();
    },
    async corrupt(store, id) {
      // Garbage where the JSON should be, straight into the `data` column of a live row.
      await contextOf(store).plant(id, '{"user": {"sub": "x"}, "tokenSet": garbage');
    },
    ...(database.outage ? { outage: database.outage } : {}),
  };
}
