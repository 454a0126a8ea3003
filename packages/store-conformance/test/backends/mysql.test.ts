// Loaded before mysql2: after it, testcontainers fails to load here (proper-lockfile: "onExit is not a function").
import "testcontainers";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MySqlBackend, startMySql } from "../../src/backends/index.js";
import { sourcesUnderTest } from "./container-runs.js";

const query = async (url: string, sql: string) => {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 2_000 });
  try {
    const [rows] = await connection.query(sql);
    return rows;
  } finally {
    await connection.end();
  }
};

describe.each(sourcesUnderTest)("startMySql (%s)", (_, options) => {
  let backend: MySqlBackend;
  beforeAll(async () => {
    backend = await startMySql(options);
  });
  afterAll(() => backend?.close());

  it("serves a MySQL-compatible database with the handle's credentials", async () => {
    const { host, port, user, password, database } = backend;
    expect(backend.url).toBe(`mysql://${user}:${password}@${host}:${port}/${database}`);
    await query(backend.url, "CREATE TABLE smoke (id VARCHAR(64) PRIMARY KEY, body TEXT)");
    await query(backend.url, "INSERT INTO smoke VALUES ('a', 'Zoë 🙂')");
    expect(await query(backend.url, "SELECT body FROM smoke")).toEqual([{ body: "Zoë 🙂" }]);
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
