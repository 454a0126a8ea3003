import { resolve } from "node:path";
import type { NextConfig } from "next";

// One source, two builds: BENCH_LIB picks which library `@bench/auth` resolves to, and each
// build goes to its own folder so both can be started side by side.
const lib = process.env.BENCH_LIB === "nextjs-auth0" ? "nextjs-auth0" : "sessionkit";

const nextConfig: NextConfig = {
  distDir: `.next-${lib}`,
  poweredByHeader: false,
  // Types are checked by `tsc -p bench/app` (the bench's typecheck), not on every build.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: [
    "ioredis",
    "pg",
    "@prisma/client",
    "@prisma/adapter-pg",
    "@aws-sdk/client-dynamodb",
  ],
  turbopack: {
    root: resolve(process.cwd(), "../.."),
    resolveAlias: { "@bench/auth": `./lib/${lib}.ts` },
  },
};

export default nextConfig;
