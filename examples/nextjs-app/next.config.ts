import { resolve } from "node:path";
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // As create-next-app@16 sets it: the e2e tests cover the library under Cache Components.
  cacheComponents: true,
  partialPrefetching: true,
  // Database clients load from node_modules at run time instead of being bundled.
  serverExternalPackages: [
    "ioredis",
    "pg",
    "@prisma/client",
    "@prisma/adapter-pg",
    "@aws-sdk/client-dynamodb",
  ],
  // The workspace root (one lockfile for the monorepo).
  turbopack: { root: resolve(process.cwd(), "../..") },
};

export default nextConfig;
