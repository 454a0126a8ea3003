import { type ChildProcess, execFile, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BackendHandle, startRedis } from "@sessionkit/store-conformance/backends";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGuide } from "./guide.ts";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const guide = readGuide(readFileSync(join(repo, "docs/getting-started.md"), "utf8"));
const packages = {
  "@sessionkit/auth": join(repo, "packages/auth"),
  "@sessionkit/store-redis": join(repo, "packages/store-redis"),
  "@sessionkit/example-dev-provider": join(repo, "examples/dev-provider"),
};
const demo = join(repo, "examples/nextjs-app");
const versionIn = (dir: string, name: string) =>
  (
    JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

interface Outcome {
  code: number;
  output: string;
}
// A newcomer's shell: none of pnpm's npm_config_* (npm warns about them), not CI (Next then
// warns about its build cache), Next's telemetry notice off.
const env: Record<string, string | undefined> = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|CI$|NODE_ENV$|VITEST)/i.test(key)),
);
env.NEXT_TELEMETRY_DISABLED = "1";
const run = (command: string, args: string[], cwd: string, timeout: number) =>
  new Promise<Outcome>((resolve) => {
    execFile(command, args, { cwd, timeout, maxBuffer: 64 << 20, env }, (error, stdout, stderr) =>
      resolve({
        code: error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0,
        output: `${stdout}\n${stderr}`,
      }),
    );
  });

/** Lines of a build's or a server's output that are errors or warnings. */
const complaints = (output: string) =>
  output.split("\n").filter((line) => /⚠|⨯|warn|error|unstable|unhandled|deprecat/i.test(line));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A child process (and its children: npx starts node) whose output is kept. */
class Started {
  output = "";
  readonly child: ChildProcess;
  constructor(command: string, args: string[], cwd: string, extraEnv: Record<string, string>) {
    this.child = spawn(command, args, {
      cwd,
      env: { ...env, ...extraEnv },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.on("data", (chunk: Buffer) => {
        this.output += chunk.toString();
      });
    }
  }
  /** Resolves when `pattern` appears in the output; rejects when the process exits first. */
  waitFor(pattern: RegExp, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(this.output)) {
          cleanup();
          resolve();
        }
      };
      const exited = (code: number | null) => {
        cleanup();
        reject(new Error(`${what} exited (${code}) before it was ready:\n${this.output}`));
      };
      const cleanup = () => {
        this.child.stdout!.off("data", check);
        this.child.stderr!.off("data", check);
        this.child.off("exit", exited);
      };
      this.child.stdout!.on("data", check);
      this.child.stderr!.on("data", check);
      this.child.once("exit", exited);
      check();
    });
  }
  /** Ends the process group (npx, sh, node); idempotent. */
  async stop(): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return; // the group is gone already
    }
    await exited;
    // next-server, a grandchild, can outlive npx's exit: end whatever of the group is left.
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // none left
    }
  }
}

/** One browser's cookies for one origin; fetch without following redirects. */
function browser() {
  const jar = new Map<string, string>();
  const go = async (url: string | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === "" || /max-age=0(?:;|$)|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  return { jar, go };
}
const next = (response: Response, base: string | URL) => {
  const target = response.headers.get("location");
  if (!target) throw new Error(`expected a redirect from ${base}, got ${response.status}`);
  return new URL(target, base);
};
const form = (fields: Record<string, string>): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields),
});

/** The template's files that the guide does not change (create-next-app@16, font removed). */
function writeTemplate(app: string, tarballs: Record<string, string>) {
  const files: Record<string, string> = {
    "package.json": JSON.stringify(
      {
        name: "my-app",
        version: "0.1.0",
        private: true,
        scripts: { dev: "next dev", build: "next build", start: "next start" },
        dependencies: {
          "@sessionkit/auth": tarballs["@sessionkit/auth"],
          "@sessionkit/store-redis": tarballs["@sessionkit/store-redis"],
          ioredis: "^6.0.0",
          next: versionIn(demo, "next"),
          react: versionIn(demo, "react"),
          "react-dom": versionIn(demo, "react-dom"),
        },
        devDependencies: {
          "@types/node": `^${versionIn(demo, "@types/node").split(".")[0]}`,
          "@types/react": `^${versionIn(demo, "@types/react").split(".")[0]}`,
          "@types/react-dom": `^${versionIn(demo, "@types/react-dom").split(".")[0]}`,
          typescript: versionIn(repo, "typescript"),
        },
      },
      null,
      2,
    ),
    "next.config.ts": `import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  /* config options here */
  cacheComponents: true,
  partialPrefetching: true,
};

export default nextConfig;
`,
    "tsconfig.json": JSON.stringify(
      {
        compilerOptions: {
          target: "ES2017",
          lib: ["dom", "dom.iterable", "esnext"],
          allowJs: true,
          skipLibCheck: true,
          strict: true,
          noEmit: true,
          esModuleInterop: true,
          module: "esnext",
          moduleResolution: "bundler",
          resolveJsonModule: true,
          isolatedModules: true,
          jsx: "react-jsx",
          incremental: true,
          plugins: [{ name: "next" }],
          paths: { "@/*": ["./*"] },
        },
        include: [
          "next-env.d.ts",
          "**/*.ts",
          "**/*.tsx",
          ".next/types/**/*.ts",
          ".next/dev/types/**/*.ts",
          "**/*.mts",
        ],
        exclude: ["node_modules"],
      },
      null,
      2,
    ),
    "app/layout.tsx": `import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Create Next App",
  description: "Generated by create next app",
};

export default function RootLayout({ children }: LayoutProps<"/">) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`,
    "app/globals.css": "body { font-family: sans-serif; }\n",
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), text);
  }
}

describe("docs/getting-started.md from the packed tarballs, in a fresh Next.js 16 app", () => {
  const work = mkdtempSync(join(tmpdir(), "sessionkit-getting-started-"));
  const app = join(work, "my-app");
  let install: Outcome;
  let build: Outcome;
  let redis: BackendHandle & { url?: string; host: string; port: number };
  const started: Started[] = [];

  beforeAll(async () => {
    const tarballs: Record<string, string> = {};
    for (const [name, dir] of Object.entries(packages)) {
      if (name !== "@sessionkit/example-dev-provider" && !existsSync(join(dir, "dist/index.js"))) {
        throw new Error(`${name} is not built: run \`pnpm build\` first (npm test does)`);
      }
      const packed = await run("pnpm", ["pack", "--pack-destination", work], dir, 120_000);
      if (packed.code !== 0) throw new Error(`pnpm pack of ${name} failed:\n${packed.output}`);
      const file = packed.output
        .trim()
        .split("\n")
        .filter((l) => l.endsWith(".tgz"))
        .at(-1)!;
      tarballs[name] = `file:${file.startsWith("/") ? file : join(work, file)}`;
    }
    mkdirSync(app);
    writeTemplate(app, tarballs);
    // The guide's one-liner runs the dev provider from its tarball, next to the app.
    const provider = tarballs["@sessionkit/example-dev-provider"]!.slice("file:".length);
    copyFileSync(provider, join(app, provider.split("/").at(-1)!));
    for (const [path, code] of guide.files) {
      const target = path.replace(" (with Redis)", "");
      if (target === "lib/auth.ts" && !path.endsWith("(with Redis)")) continue;
      mkdirSync(dirname(join(app, target)), { recursive: true });
      writeFileSync(join(app, target), code);
    }
    install = await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      app,
      300_000,
    );
    if (install.code !== 0) throw new Error(`npm install failed:\n${install.output}`);
    writeFileSync(
      join(app, ".env.local"),
      // Step 3's values; step 5's REDIS_URL is given to the Redis run only.
      [...guide.env]
        .filter(([key]) => key !== "REDIS_URL")
        .map(([key, value]) => `${key}=${value}`)
        .join("\n"),
    );
    build = await run("npx", ["next", "build"], app, 400_000);
    redis = (await startRedis()) as typeof redis;
  }, 900_000);

  afterAll(async () => {
    for (const child of started) await child.stop();
    await redis?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("shows the files a newcomer writes, and cookie sessions need only @sessionkit/auth", () => {
    expect([...guide.files.keys()].sort()).toEqual([
      "app/page.tsx",
      "lib/auth.ts",
      "lib/auth.ts (with Redis)",
      "proxy.ts",
      "types/sessionkit.d.ts",
    ]);
    const imports = (code: string) => [...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect(imports(guide.files.get("lib/auth.ts")!)).toEqual(["@sessionkit/auth"]);
    expect(guide.installs[0]).toBe("npm install @sessionkit/auth");
    expect(guide.installs).toContain("npm install @sessionkit/store-redis ioredis");
  });

  it("shows env values, not commands", () => {
    expect([...guide.env.keys()]).toEqual(
      expect.arrayContaining([
        "AUTH_SECRET",
        "AUTH_ISSUER",
        "AUTH_CLIENT_ID",
        "AUTH_CLIENT_SECRET",
        "APP_BASE_URL",
        "REDIS_URL",
      ]),
    );
    for (const [key, value] of guide.env) expect(value, key).not.toMatch(/[$`(]/);
    expect(guide.env.get("AUTH_SECRET")!.length).toBeGreaterThanOrEqual(32);
  });

  it("next build succeeds with Cache Components on, with no error or warning", () => {
    expect(build.code, build.output).toBe(0);
    expect(complaints(build.output), build.output).toEqual([]);
  });

  it.each(["cookie", "redis"] as const)(
    "signs in through the dev provider and out again (%s sessions), the server logging nothing amiss",
    async (store) => {
      expect(build?.code, "the build failed").toBe(0);
      const [appPort, opPort] = [await freePort(), await freePort()];
      const appUrl = `http://localhost:${appPort}`;
      const issuer = `http://127.0.0.1:${opPort}`;
      // The guide's one-liner, with this run's ports; with Redis, back-channel logout is on.
      const args = guide.devProvider
        .map((arg) => (arg === "http://localhost:3000" ? appUrl : arg))
        .filter((arg, i, all) => store === "cookie" || (arg !== "none" && all[i + 1] !== "none"));
      const op = new Started("npx", [...args, "--port", String(opPort)], app, {});
      started.push(op);
      await op.waitFor(/test users/, "the dev provider");

      const serverEnv: Record<string, string> = { AUTH_ISSUER: issuer, APP_BASE_URL: appUrl };
      if (store === "redis") serverEnv.REDIS_URL = `redis://${redis.host}:${redis.port}`;
      const server = new Started("npx", ["next", "start", "-p", String(appPort)], app, serverEnv);
      started.push(server);
      await server.waitFor(/Ready in/, "next start");

      const user = browser();
      const provider = browser();
      const signedOut = await (await user.go(`${appUrl}/`)).text();
      expect(signedOut).toContain('href="/auth/login"');

      // Sign in: the app's login route, the provider's login and consent forms, the callback.
      let url = next(await user.go(`${appUrl}/auth/login`), appUrl);
      for (let step = 0; url.origin !== appUrl && step < 12; step++) {
        let response = await provider.go(url);
        if (response.status === 200) {
          const action =
            /<form method="post" action="(\/interaction\/[\w-]+\/(?:login|confirm))"/.exec(
              await response.text(),
            )?.[1];
          if (!action) throw new Error(`no login or consent form at ${url}`);
          response = await provider.go(
            new URL(action, url),
            form(action.endsWith("/login") ? { username: "alice", password: "wonderland" } : {}),
          );
        }
        url = next(response, url);
      }
      const callback = await user.go(url);
      expect(callback.status, await callback.clone().text()).toBeGreaterThanOrEqual(300);
      expect([...user.jar.keys()].some((name) => name.startsWith("__session"))).toBe(true);

      const home = await (await user.go(`${appUrl}/`)).text();
      expect(home, `the signed-in page; the server said:\n${server.output}`).toContain(
        '<strong data-testid="user">Alice Liddell</strong>',
      );

      if (store === "redis") {
        const { Redis } = createRequire(join(app, "package.json"))("ioredis") as {
          Redis: new (
            options: object,
          ) => {
            on(event: "error", listener: () => void): void;
            keys(pattern: string): Promise<string[]>;
            disconnect(): void;
          };
        };
        const inspect = new Redis({ host: redis.host, port: redis.port, lazyConnect: true });
        inspect.on("error", () => {});
        try {
          expect(await inspect.keys("myapp:sessions:*:s:*")).toHaveLength(1);
        } finally {
          inspect.disconnect();
        }
      }

      // Sign out: the app ends its session, then the provider's (its confirmation form).
      const logout = await user.go(`${appUrl}/auth/logout`);
      expect([...user.jar.keys()].some((name) => name.startsWith("__session"))).toBe(false);
      let out = next(logout, appUrl);
      for (let step = 0; out.origin !== appUrl && step < 6; step++) {
        let response = await provider.go(out);
        if (response.status === 200) {
          const xsrf = /name="xsrf" value="([^"]+)"/.exec(await response.text())?.[1];
          if (!xsrf) throw new Error(`no logout form at ${out}`);
          response = await provider.go(
            new URL("/session/end/confirm", issuer),
            form({ xsrf, logout: "yes" }),
          );
        }
        out = next(response, out);
      }
      const after = await (await user.go(out)).text();
      expect(after).toContain('href="/auth/login"');

      await server.stop();
      await op.stop();
      expect(complaints(server.output), server.output).toEqual([]);
    },
  );
});
