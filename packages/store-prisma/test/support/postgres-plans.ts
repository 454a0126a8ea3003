import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresDatabase } from "./postgresql.js";

// The planner only prefers an index once a table is big enough; 50k rows, ANALYZE'd.
const ROWS = 50_000;
const ISS = "https://op-3.example";

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

/**
 * EXPLAINs the exact statements (SQL and parameters, from Prisma's query log) that the
 * logout-token deletes and the purge send, on a table big enough for the planner to care.
 */
export function testPostgresPlans(database: PostgresDatabase): void {
  describe("PostgreSQL plans of the statements prismaStore sends", () => {
    let context: Awaited<ReturnType<PostgresDatabase["createContext"]>>;

    beforeAll(async () => {
      context = await database.createContext();
      const now = Date.now();
      // Five issuers, 10k subjects, one provider session per row; every 50th row has expired.
      await context.prisma.$executeRawUnsafe(
        `INSERT INTO ${context.table} (id, data, iss, sid, sub, expires_at, created_at)
       SELECT 'id-' || g, '{}', 'https://op-' || (g % 5) || '.example', 'sid-' || g,
              'sub-' || (g % 10000),
              CASE WHEN g % 50 = 0 THEN $1::bigint - g ELSE $1::bigint + 3600000 + g END, $1::bigint
       FROM generate_series(1, ${ROWS}) AS g`,
        BigInt(now),
      );
      await context.prisma.$executeRawUnsafe(`ANALYZE ${context.table}`);
    });

    afterAll(async () => {
      await context?.destroy();
    });

    /** Runs `operation`, then EXPLAINs every statement it made Prisma send, with the same parameters. */
    async function plansOf(operation: () => Promise<unknown>) {
      context.queries.length = 0;
      await operation();
      const plans = [];
      for (const { query, params } of context.queries) {
        const result = await database.admin.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
          `EXPLAIN (FORMAT JSON) ${query}`,
          params,
        );
        const nodes = flatten(result.rows[0]!["QUERY PLAN"][0].Plan);
        plans.push({
          query,
          nodeTypes: nodes.map((node) => node["Node Type"]),
          indexes: nodes.flatMap((node) => node["Index Name"] ?? []),
        });
      }
      return plans;
    }

    it("ends a provider session (iss + sid) through the (iss, sid) index", async () => {
      const [plan, ...rest] = await plansOf(() =>
        context.store.deleteByLogoutToken({ iss: ISS, sid: "sid-13" }),
      );
      expect(rest).toEqual([]);
      expect(plan?.query).toMatch(/^DELETE/);
      expect(plan?.nodeTypes).not.toContain("Seq Scan");
      expect(plan?.indexes).toEqual(["sessionkit_sessions_iss_sid_idx"]);
    });

    it("ends every session of a subject (iss + sub) through the (iss, sub) index", async () => {
      const [plan, ...rest] = await plansOf(() =>
        context.store.deleteByLogoutToken({ iss: ISS, sub: "sub-42" }),
      );
      expect(rest).toEqual([]);
      expect(plan?.nodeTypes).not.toContain("Seq Scan");
      expect(plan?.indexes).toEqual(["sessionkit_sessions_iss_sub_idx"]);
    });

    it("with sid and sub, still reads an index, never the table", async () => {
      const [plan] = await plansOf(() =>
        context.store.deleteByLogoutToken({ iss: ISS, sid: "sid-28", sub: "sub-28" }),
      );
      expect(plan?.nodeTypes).not.toContain("Seq Scan");
      expect(plan?.indexes.length).toBeGreaterThan(0);
    });

    it("purges expired rows through the expiresAt index, then deletes them by primary key", async () => {
      const plans = await plansOf(() =>
        context.store.purgeExpired({ batchSize: 200, maxBatches: 1 }),
      );
      // Sessions first; then one SELECT each on the (empty) logout-token and lease tables.
      expect(plans.map((plan) => plan.query.split(" ")[0])).toEqual([
        "SELECT",
        "DELETE",
        "SELECT",
        "SELECT",
      ]);
      expect(plans[2]?.query).toContain("sessionkit_logout_token_claims");
      expect(plans[3]?.query).toContain("sessionkit_refresh_leases");
      const [select, remove] = plans;
      expect(select?.nodeTypes).not.toContain("Seq Scan");
      expect(select?.indexes).toEqual(["sessionkit_sessions_expires_at_idx"]);
      // By primary key or, once the planner knows most of those ids are gone, by expiry: an index either way.
      expect(remove?.nodeTypes).not.toContain("Seq Scan");
      expect(remove?.indexes.length).toBeGreaterThan(0);
      for (const index of remove?.indexes ?? []) {
        expect(["sessionkit_sessions_pkey", "sessionkit_sessions_expires_at_idx"]).toContain(index);
      }
    });

    it("lists a user's sessions in one SELECT through the (iss, sub) index", async () => {
      // sub-42 at op-2: rows 42, 10042, … (five of them).
      let listed = 0;
      const [plan, ...rest] = await plansOf(async () => {
        listed = (await context.store.listSessions({ iss: "https://op-2.example", sub: "sub-42" }))
          .length;
      });
      expect(rest).toEqual([]);
      expect(plan?.query).toMatch(/^SELECT/);
      expect(plan?.nodeTypes).not.toContain("Seq Scan");
      expect(plan?.indexes).toEqual(["sessionkit_sessions_iss_sub_idx"]);
      // The rows hold '{}' (not a session): the list skips them, the plan is what counts.
      expect(listed).toBe(0);
    });

    it("touch is one UPDATE of one row by primary key", async () => {
      const [plan, ...rest] = await plansOf(() =>
        context.store.touch("id-9", { expiresAt: Date.now() + 7_200_000 }),
      );
      expect(rest).toEqual([]);
      expect(plan?.query).toMatch(/^UPDATE/);
      expect(plan?.query).not.toMatch(/"data"/);
      expect(plan?.indexes).toEqual(["sessionkit_sessions_pkey"]);
    });

    it("get and update read one row by primary key", async () => {
      const expiresAt = Date.now() + 60_000;
      const plans = await plansOf(async () => {
        await context.store.get("id-7");
        await context.store.update(
          "id-7",
          {
            user: { sub: "sub-7" },
            tokenSet: {},
            internal: { iss: "https://op-2.example", sid: "sid-7", createdAt: 0, expiresAt },
          },
          { expiresAt },
        );
      });
      for (const plan of plans) {
        expect(plan.nodeTypes).not.toContain("Seq Scan");
        expect(plan.indexes).toEqual(["sessionkit_sessions_pkey"]);
      }
    });

    it("without the logout indexes the same statement scans the table (the checks above can fail)", async () => {
      const [plan] = await plansOf(() =>
        context.store.deleteByLogoutToken({ iss: ISS, sid: "sid-63" }),
      );
      const client = await database.admin.connect();
      try {
        await client.query("BEGIN");
        const schema = context.table.split(".")[0];
        // Both: with only (iss, sid) gone, the planner falls back on the (iss, sub) index's prefix.
        await client.query(
          `DROP INDEX ${schema}."sessionkit_sessions_iss_sid_idx", ${schema}."sessionkit_sessions_iss_sub_idx"`,
        );
        const result = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
          `EXPLAIN (FORMAT JSON) ${plan!.query}`,
          context.queries[0]!.params,
        );
        const nodes = flatten(result.rows[0]!["QUERY PLAN"][0].Plan).map(
          (node) => node["Node Type"],
        );
        expect(nodes).toContain("Seq Scan");
      } finally {
        await client.query("ROLLBACK");
        client.release();
      }
    });
  });
}
