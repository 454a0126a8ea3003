// Generates the bench app's Prisma client into generated/prisma from the PostgreSQL model that
// @sessionkit/store-prisma ships (what a user pastes into their schema.prisma).
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(app, "..", "package.json"));
const model = await readFile(
  require.resolve("@sessionkit/store-prisma/prisma/models/postgresql.prisma"),
  "utf8",
);
const schema = `generator client {
  provider            = "prisma-client"
  output              = "../generated/prisma"
  moduleFormat        = "esm"
  importFileExtension = ""
}

datasource db {
  provider = "postgresql"
}

${model}`;
const schemaFile = join(app, "generated/schema.prisma");
if ((await readFile(schemaFile, "utf8").catch(() => "")) !== schema) {
  await mkdir(dirname(schemaFile), { recursive: true });
  await writeFile(schemaFile, schema);
  const cli = join(dirname(require.resolve("prisma/package.json")), "build/index.js");
  await promisify(execFile)(process.execPath, [cli, "generate", "--schema", schemaFile], {
    cwd: app,
    // `generate` never needs the schema engine.
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false", CHECKPOINT_DISABLE: "1" },
  });
}
