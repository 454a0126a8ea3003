import { fileURLToPath } from "node:url";
import {
  configDefaults,
  defineProject,
  mergeConfig,
  type UserWorkspaceConfig,
} from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/** Tests import every workspace package from its source, so no build is needed to run them. */
export const sourceAliases = [
  { find: /^@sessionkit\/auth\/testing$/, replacement: source("auth/src/testing/index.ts") },
  { find: /^@sessionkit\/auth\/client$/, replacement: source("auth/src/client/index.ts") },
  { find: /^@sessionkit\/auth\/store$/, replacement: source("auth/src/store/index.ts") },
  { find: /^@sessionkit\/auth$/, replacement: source("auth/src/index.ts") },
  {
    find: /^@sessionkit\/store-conformance\/backends$/,
    replacement: source("store-conformance/src/backends/index.ts"),
  },
  {
    find: /^@sessionkit\/store-conformance$/,
    replacement: source("store-conformance/src/index.ts"),
  },
  { find: /^@sessionkit\/store-redis$/, replacement: source("store-redis/src/index.ts") },
  { find: /^@sessionkit\/store-prisma$/, replacement: source("store-prisma/src/index.ts") },
  { find: /^@sessionkit\/store-dynamodb$/, replacement: source("store-dynamodb/src/index.ts") },
];

/** The config every workspace project starts from. */
export function defineSessionkitProject(name: string, config: UserWorkspaceConfig = {}) {
  return mergeConfig(
    defineProject({
      resolve: { alias: sourceAliases },
      test: {
        name,
        // The container runs are collected only when they are on (scripts/test.sh, or
        // SESSIONKIT_CONTAINER_TESTS=1 by hand): off, they are not tests at all, not skipped ones.
        exclude:
          process.env.SESSIONKIT_CONTAINER_TESTS === "1"
            ? configDefaults.exclude
            : [...configDefaults.exclude, "**/containers.test.ts", "**/compose.test.ts"],
        testTimeout: 20_000,
        hookTimeout: 120_000,
        // A leaked ioredis client's error event fails the run and names where it was made.
        setupFiles: [fileURLToPath(new URL("./scripts/vitest-leak-guard.mjs", import.meta.url))],
      },
    }),
    defineProject(config),
  );
}
