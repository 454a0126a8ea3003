// Run only by report.test.ts, in a child Vitest: a store that serves sessions past their
// expiresAt (it keeps every session a minute at least), reported through the env var instead of the option.
import { memoryStore, type SessionStore } from "@sessionkit/auth/store";
import { testSessionStore } from "../../src/index.js";

const servesExpired = (): SessionStore => {
  const inner = memoryStore();
  return {
    ...inner,
    async set(id, session, options) {
      await inner.set(id, session, { expiresAt: Math.max(options.expiresAt, Date.now() + 60_000) });
    },
  };
};

process.env.SESSIONKIT_CONFORMANCE_REPORT = process.env.REPORT_FAILING;
testSessionStore({ name: "serves expired sessions", createStore: servesExpired });
