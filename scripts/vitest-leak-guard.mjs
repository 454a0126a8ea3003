// A setup file for every Vitest project (vitest.shared.ts): an ioredis client without an `error`
// listener only logs "[ioredis] Unhandled error event" and keeps reconnecting, so a test that
// leaks one passes while the run prints noise. Here that log becomes an uncaught error: the run
// fails, Vitest counts it and names the test that was running, and the message names where the
// client was created (test and source line), once per client.
import { createRequire } from "node:module";
import { expect } from "vitest";

const patched = Symbol.for("sessionkit.leakGuard");
const origin = Symbol.for("sessionkit.leakGuard.origin");
const reported = Symbol.for("sessionkit.leakGuard.reported");

/** The test (or file) and the first stack frame outside node_modules where a client is made. */
function creationSite() {
  const state = expect.getState();
  const frame = new Error().stack
    ?.split("\n")
    .slice(1)
    .map((line) => line.trim())
    .find((line) => !line.includes("node_modules") && !line.includes("vitest-leak-guard"));
  const where = state.currentTestName
    ? `test "${state.currentTestName}"`
    : `${state.testPath ?? "a test file"} (outside a test: a hook or the module)`;
  return frame ? `${where}, ${frame}` : where;
}

function guard(Redis) {
  const proto = Redis?.prototype;
  if (!proto || proto[patched] || typeof proto.parseOptions !== "function") return;
  proto[patched] = true;
  const parseOptions = proto.parseOptions;
  proto.parseOptions = function (...args) {
    this[origin] = creationSite();
    return parseOptions.apply(this, args);
  };
  const silentEmit = proto.silentEmit;
  proto.silentEmit = function (eventName, arg, ...rest) {
    if (eventName !== "error" || this.listeners("error").length > 0) {
      return silentEmit.call(this, eventName, arg, ...rest);
    }
    const before = console.error;
    let unhandled = false;
    console.error = (...logged) => {
      if (String(logged[0]).startsWith("[ioredis] Unhandled error event")) unhandled = true;
      else before(...logged);
    };
    try {
      return silentEmit.call(this, eventName, arg, ...rest);
    } finally {
      console.error = before;
      if (unhandled && !this[reported]) {
        this[reported] = true;
        const message = arg instanceof Error ? arg.message : String(arg);
        const leak = new Error(
          `an ioredis client without an "error" listener failed (${message}); it was created in ${this[origin] ?? (this.isCluster ? "a test (a Cluster client: not traced)" : "an unknown place")}. Give it an error listener and close it in afterEach/afterAll.`,
        );
        leak.name = "LeakedClientError";
        setImmediate(() => {
          throw leak;
        });
      }
    }
  };
}

// Resolve ioredis the way the test file does (it is a dependency of the store packages, not of
// the root), so the patched class is the one the test uses.
const testPath = expect.getState().testPath;
if (testPath) {
  try {
    guard(createRequire(testPath)("ioredis").Redis);
  } catch {
    // This package does not use ioredis.
  }
}
