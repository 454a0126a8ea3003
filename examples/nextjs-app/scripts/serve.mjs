// `pnpm start` of the demo: the dev provider, the session store's server (if the
// chosen store needs one) and `next start`, together; Ctrl-C stops all three.
//
//   PORT=3000  PROVIDER_PORT=4400  SESSION_STORE=cookie|redis|prisma|dynamodb
//   AUTH_ISSUER/AUTH_CLIENT_ID/AUTH_CLIENT_SECRET: use another provider instead
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startNextServer } from "./next-server.mjs";
import { prepareStore } from "./stores.mjs";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = process.env;
const port = Number(env.PORT || 3000);
const appUrl = env.APP_BASE_URL || `http://localhost:${port}`;
// Read as lib/store-kind.ts reads it, so the launcher and the app agree.
const kind = (env.SESSION_STORE ?? "").trim().toLowerCase() || "cookie";
const say = (message) => console.log(`[demo] ${message}`);

if (!existsSync(join(app, ".next/BUILD_ID"))) {
  console.error(
    "[demo] no production build: run `pnpm --filter @sessionkit/example-nextjs-app build` (or `npm start` at the root)",
  );
  process.exit(1);
}

const cleanups = [];
let stopping;
async function shutdown(code) {
  stopping ??= (async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    process.exit(code);
  })();
  return stopping;
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

try {
  let auth;
  if (env.AUTH_ISSUER) {
    auth = {};
    say(`using the provider at ${env.AUTH_ISSUER}`);
  } else {
    const { startDevProvider } = await import("@sessionkit/example-dev-provider");
    const op = await startDevProvider({
      port: Number(env.PROVIDER_PORT || 4400),
      appUrls: [appUrl],
      // Stateless cookies leave nothing on the server for a logout token to end.
      backchannelLogoutUrl: kind === "cookie" ? null : `${appUrl}/auth/backchannel-logout`,
      log: (message) => console.log(`[dev-provider] ${message}`),
    });
    cleanups.push(() => op.close());
    auth = {
      AUTH_ISSUER: op.issuer,
      AUTH_CLIENT_ID: op.clientId,
      AUTH_CLIENT_SECRET: op.clientSecret,
    };
    say(`dev provider at ${op.issuer}`);
  }
  const store = await prepareStore(kind, { log: say });
  cleanups.push(() => store.close());

  let secret = env.AUTH_SECRET;
  if (!secret) {
    // A fresh secret per run: fine for a demo, but sessions end when it restarts.
    secret = randomBytes(32).toString("base64url");
    say("AUTH_SECRET not set: using a random one for this run");
  }
  const server = await startNextServer({
    port,
    env: { ...auth, ...store.env, AUTH_SECRET: secret, APP_BASE_URL: appUrl },
    log: (line) => console.log(`[next] ${line}`),
  });
  cleanups.push(() => server.stop());
  server.exited.then((code) => {
    if (!stopping) {
      say(`next start exited (${code})`);
      void shutdown(1);
    }
  });

  console.log("");
  say(`open ${appUrl}  (session store: ${kind})`);
  if (!env.AUTH_ISSUER) say("log in as alice / wonderland  (or bob / builder, carol / singer)");
  say("Ctrl-C stops the app, the provider and the store");
} catch (error) {
  console.error(
    `[demo] could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  await shutdown(1);
}
