import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresBackend, startPostgres } from "../../src/backends/index.js";
import { sourcesUnderTest } from "./container-runs.js";

const query = async (url: string, sql: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

describe.each(sourcesUnderTest)("startPostgres (%s)", (_, options) => {
  let backend: PostgresBackend;
  beforeAll(async () => {
    backend = await startPostgres(options);
  });
  afterAll(() => backend?.close());

  it("serves a database the caller may use freely, with a password", async () => {
    await query(backend.url, "CREATE TABLE smoke (id text PRIMARY KEY, body jsonb)");
    await query(backend.url, `INSERT INTO smoke VALUES ('a', '{"name": "Zoë 🙂"}')`);
    expect(await query(backend.url, "SELECT body->>'name' AS name FROM smoke")).toEqual([
      { name: "Zoë 🙂" },
    ]);
    const wrong = new URL(backend.url);
    wrong.password = "wrong";
    if (backend.source !== "env") await expect(query(wrong.href, "SELECT 1")).rejects.toThrow();
  });

  it("goes down on stop() and comes back, data intact, on start()", async (context) => {
    if (!backend.canRestart) return context.skip("an env URL is not ours to restart");
    await backend.stop();
    await expect(query(backend.url, "SELECT 1")).rejects.toThrow();
    await backend.start();
    expect(await query(backend.url, "SELECT id FROM smoke")).toEqual([{ id: "a" }]);
  });
});
