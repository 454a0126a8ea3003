#!/usr/bin/env node
// Starts the dev provider. Options from flags or env:
//   --port / DEV_PROVIDER_PORT                      (default 4400)
//   --host / DEV_PROVIDER_HOST                      (default 127.0.0.1)
//   --app-url / DEV_PROVIDER_APP_URLS (comma list)  (default http://localhost:3000)
//   --backchannel-logout-url / DEV_PROVIDER_BACKCHANNEL_LOGOUT_URL ("none" to disable)
//   --access-token-ttl / DEV_PROVIDER_ACCESS_TOKEN_TTL (seconds, default 600)
import { parseArgs } from "node:util";
import { startDevProvider } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "app-url": { type: "string", multiple: true },
    "backchannel-logout-url": { type: "string" },
    "access-token-ttl": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log(
    "usage: sessionkit-dev-provider [--port 4400] [--host 127.0.0.1] [--app-url http://localhost:3000]... [--backchannel-logout-url URL|none] [--access-token-ttl 600]",
  );
  process.exit(0);
}

const env = process.env;
const appUrls = values["app-url"] ??
  env.DEV_PROVIDER_APP_URLS?.split(",")
    .map((url) => url.trim())
    .filter(Boolean) ?? ["http://localhost:3000"];
const backchannel = values["backchannel-logout-url"] ?? env.DEV_PROVIDER_BACKCHANNEL_LOGOUT_URL;
const ttl = values["access-token-ttl"] ?? env.DEV_PROVIDER_ACCESS_TOKEN_TTL;

const op = await startDevProvider({
  port: Number(values.port ?? env.DEV_PROVIDER_PORT ?? 4400),
  host: values.host ?? env.DEV_PROVIDER_HOST ?? "127.0.0.1",
  appUrls,
  backchannelLogoutUrl: backchannel === "none" ? null : backchannel,
  accessTokenTtl: ttl === undefined ? undefined : Number(ttl),
  log: (message) => console.log(`[dev-provider] ${message}`),
});

console.log(`[dev-provider] issuer        ${op.issuer}`);
console.log(`[dev-provider] client        ${op.clientId} / ${op.clientSecret}`);
console.log(
  `[dev-provider] redirect URIs ${op.appUrls.map((url) => `${url}/auth/callback`).join(", ")}`,
);
console.log(`[dev-provider] back-channel  ${op.backchannelLogoutUrl ?? "(none)"}`);
console.log(
  `[dev-provider] test users    ${op.users.map((user) => `${user.username} / ${user.password}`).join(", ")}`,
);

const stop = async () => {
  await op.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
