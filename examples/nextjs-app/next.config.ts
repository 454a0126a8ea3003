import { resolve } from "node:path";
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
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
