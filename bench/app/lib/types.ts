import type { NextRequest } from "next/server";

/** What the page and the route handler show of a session: enough to prove it was found. */
export interface BenchUser {
  sub: string;
}

/** The two things each library's build provides, with the same names. */
export interface BenchAuth {
  proxy(request: NextRequest): Promise<Response>;
  readUser(): Promise<BenchUser | null>;
}

/** `BENCH_STORE`: where sessions live for this run. */
export type StoreKind = "cookie" | "redis" | "prisma" | "dynamodb";

export function storeKind(): StoreKind {
  const kind = process.env.BENCH_STORE ?? "cookie";
  if (kind === "cookie" || kind === "redis" || kind === "prisma" || kind === "dynamodb") {
    return kind;
  }
  throw new Error(`BENCH_STORE must be cookie, redis, prisma or dynamodb, not ${kind}`);
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`the bench app needs ${name}`);
  return value;
}
