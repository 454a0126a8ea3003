import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/store/memory-store.js";
import type { SessionData, SessionStore } from "../../src/store/types.js";
import { createTelemetry } from "../../src/telemetry/index.js";

const GLOBAL_KEY = Symbol.for("opentelemetry.js.api.1");
const src = fileURLToPath(new URL("../../src/", import.meta.url));

const session = (sub: string): SessionData => ({
  user: { sub },
  tokenSet: { accessToken: "at" },
  internal: { iss: "https://op.example", sid: `sid-${sub}`, createdAt: 1, expiresAt: 2 },
});

/** The same calls against a store, answering what each call gave (a value or an error code). */
async function script(store: SessionStore) {
  const expiresAt = Date.now() + 60_000;
  const outcome = async (run: () => Promise<unknown>) => {
    try {
      return { value: await run() };
    } catch (error) {
      return { error: (error as { code?: string }).code ?? String(error) };
    }
  };
  return [
    await outcome(() => store.get("a")),
    await outcome(() => store.set("a", session("alice"), { expiresAt })),
    await outcome(() => store.set("b", session("alice"), { expiresAt })),
    await outcome(() => store.get("a")),
    await outcome(() => store.update("a", session("alice"), { expiresAt })),
    await outcome(() => store.update("z", session("alice"), { expiresAt })),
    await outcome(() => store.touch("b", { expiresAt: expiresAt + 1 })),
    await outcome(async () =>
      (await store.listSessions({ iss: "https://op.example", sub: "alice" })).map((s) => s.id),
    ),
    await outcome(() => store.deleteByLogoutToken({ iss: "https://op.example" })),
    await outcome(() => store.get("")),
    await outcome(() => store.deleteByLogoutToken({ iss: "https://op.example", sid: "sid-alice" })),
    await outcome(() => store.delete("a")),
    await outcome(() => store.get("b")),
  ];
}

describe("telemetry without OpenTelemetry", () => {
  it("has no provider registered in this file (the premise of the tests below)", () => {
    expect((globalThis as Record<symbol, unknown>)[GLOBAL_KEY]).toBeUndefined();
  });

  it("leaves a wrapped memoryStore behaving exactly like the store itself", async () => {
    const plain = await script(memoryStore());
    const wrapped = await script(createTelemetry().instrumentStore(memoryStore(), "memory"));
    expect(wrapped).toEqual(plain);
    expect(plain.some((call) => "error" in call)).toBe(true);
  });

  it("hands the route's own response and errors through, and counts nothing", async () => {
    const telemetry = createTelemetry();
    const response = new Response("ok");
    const request = new Request("https://app.example/auth/login");
    expect(await telemetry.traceRoute("login", request, async () => response)).toBe(response);
    const failure = new Error("boom");
    await expect(
      telemetry.traceRoute("login", request, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(() => {
      telemetry.sessionEvent("created");
      telemetry.sessionEvent("ended", "sign-out");
      telemetry.refreshOutcome("reused");
    }).not.toThrow();
  });

  it("loads and works in plain Node ESM where @opentelemetry/api cannot be resolved", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sessionkit-telemetry-"));
    try {
      const sources: string[] = [];
      for (const folder of ["telemetry", "store"]) {
        for (const file of await readdir(join(src, folder))) {
          if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
          const { outputText } = ts.transpileModule(
            await readFile(join(src, folder, file), "utf8"),
            {
              compilerOptions: {
                module: ts.ModuleKind.ESNext,
                target: ts.ScriptTarget.ES2022,
                removeComments: true,
                verbatimModuleSyntax: true,
              },
            },
          );
          if (folder === "telemetry") sources.push(outputText);
          await writeFile(join(dir, `${folder}-${file.replace(/\.ts$/, ".js")}`), outputText);
        }
      }
      // Nothing for a bundler (webpack, Turbopack, the Edge runtime's) to resolve or to warn about.
      const telemetryCode = sources.join("\n");
      expect(telemetryCode).not.toMatch(/@opentelemetry\//);
      expect(telemetryCode).not.toMatch(/\bimport\s*\(|\brequire\s*\(/);
      expect(telemetryCode).not.toMatch(/from\s+"(?!\.\/)/);

      const files = await readdir(dir);
      for (const file of files) {
        const prefix = file.startsWith("telemetry-") ? "telemetry-" : "store-";
        const code = (await readFile(join(dir, file), "utf8")).replaceAll(
          /from "\.\/([^"]+)"/g,
          `from "./${prefix}$1"`,
        );
        await writeFile(join(dir, file), code);
      }
      await writeFile(
        join(dir, "main.mjs"),
        `
import { createTelemetry } from "./telemetry-index.js";
import { memoryStore } from "./store-memory-store.js";
const report = {};
report.apiResolvable = await import("@opentelemetry/api").then(() => true, (e) => e.code);
const telemetry = createTelemetry();
const store = telemetry.instrumentStore(memoryStore(), "memory");
const session = { user: { sub: "u" }, tokenSet: {}, internal: { iss: "https://op", createdAt: 1, expiresAt: 2 } };
await store.set("a", session, { expiresAt: Date.now() + 60000 });
report.before = (await store.get("a")).user.sub;
report.route = await (await telemetry.traceRoute("login", new Request("https://app/auth/login"), async () => new Response("r"))).text();
telemetry.sessionEvent("created");
telemetry.refreshOutcome("failed");
// An app's SDK registers its providers here, through whichever copy of the API it loaded.
const spans = [];
const tracer = { startActiveSpan: (name, options, fn) => fn({ setAttribute() {}, setStatus() {}, end: () => spans.push(name) }) };
globalThis[Symbol.for("opentelemetry.js.api.1")] = { version: "1.9.0", trace: { getTracer: () => tracer } };
await store.get("a");
await telemetry.traceRoute("logout", new Request("https://app/auth/logout"), async () => new Response(null));
report.spans = spans;
console.log(JSON.stringify(report));
`,
      );
      const { stdout } = await promisify(execFile)(process.execPath, ["main.mjs"], {
        cwd: dir,
        // No NODE_PATH or NODE_OPTIONS: resolution starts from the temp folder only.
        env: { ...process.env, NODE_PATH: undefined, NODE_OPTIONS: undefined },
      });
      expect(JSON.parse(stdout)).toEqual({
        apiResolvable: "ERR_MODULE_NOT_FOUND",
        before: "u",
        route: "r",
        spans: ["sessionkit.store get", "sessionkit logout"],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("records nothing and wraps nothing with api: false", () => {
    const store = memoryStore();
    expect(createTelemetry({ api: false }).instrumentStore(store, "memory")).toBe(store);
  });
});
