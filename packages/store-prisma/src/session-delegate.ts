import { SessionStoreError } from "@sessionkit/auth/store";

/** The columns of one sessions row, as the Prisma model names them. */
export interface SessionRow {
  id: string;
  data: string;
  iss: string;
  sid: string | null;
  sub: string;
  expiresAt: bigint;
  createdAt: bigint;
}

type Filter<T> = T | { gt?: T; lte?: T; in?: T[] };
type SessionWhere = { [K in keyof SessionRow]?: Filter<SessionRow[K]> };
type SessionSelect = { [K in keyof SessionRow]?: true };

/**
 * The part of a Prisma model delegate (`prisma.session`) the store calls. Generated
 * delegates are generic, so the app's client is checked against this at runtime,
 * not by the compiler.
 */
export interface SessionDelegate {
  findUnique(args: {
    where: { id: string };
    select: SessionSelect;
  }): Promise<Pick<SessionRow, "data" | "expiresAt"> | null>;
  findMany(args: {
    where: SessionWhere;
    select: { id: true };
    orderBy: { expiresAt: "asc" };
    take: number;
  }): Promise<Pick<SessionRow, "id">[]>;
  upsert(args: {
    where: { id: string };
    create: SessionRow;
    update: Omit<SessionRow, "id" | "createdAt">;
    select: { id: true };
  }): Promise<unknown>;
  updateMany(args: {
    where: SessionWhere;
    data: Omit<SessionRow, "id" | "createdAt">;
  }): Promise<{ count: number }>;
  deleteMany(args: { where: SessionWhere }): Promise<{ count: number }>;
}

const methods = ["findUnique", "findMany", "upsert", "updateMany", "deleteMany"] as const;

const invalid = (message: string) => new SessionStoreError("STORE_INVALID_ARGUMENT", message);

/**
 * Finds the model delegate `prisma[model]`, or says clearly why it is not there
 * (`STORE_INVALID_ARGUMENT`, as the other drivers answer a wrong client or options).
 */
export function resolveDelegate(prisma: object, model: string): SessionDelegate {
  if (typeof prisma !== "object" || prisma === null) {
    throw invalid("prismaStore: pass your PrismaClient instance as the first argument");
  }
  const delegate = (prisma as Record<string, unknown>)[model];
  if (typeof delegate !== "object" || delegate === null) {
    throw invalid(
      `prismaStore: the client has no model delegate \`${model}\`; add the sessionkit model to your schema.prisma, run \`prisma generate\`, or pass { model } with its name in camelCase`,
    );
  }
  for (const method of methods) {
    if (typeof (delegate as Record<string, unknown>)[method] !== "function") {
      throw invalid(`prismaStore: \`prisma.${model}.${method}\` is not a function`);
    }
  }
  return delegate as SessionDelegate;
}
