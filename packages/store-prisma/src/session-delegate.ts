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

/** One remembered logout token (`LogoutTokenClaim` model). */
export interface LogoutTokenClaimRow {
  jti: string;
  expiresAt: bigint;
}

/** One refresh lease (`RefreshLease` model): `id` is the session id. */
export interface RefreshLeaseRow {
  id: string;
  holder: string;
  expiresAt: bigint;
}

type Filter<T> = T | { gt?: T; lte?: T; in?: T[] };
/** A `where` on one model: equality or a range per column, and `OR`. */
export type Where<Row> = { [K in keyof Row]?: Filter<Row[K]> } & { OR?: Where<Row>[] };
type Select<Row, K extends keyof Row> = { [P in K]: true };

/**
 * The part of a Prisma model delegate the store calls, for a model whose rows are `Row`.
 * Generated delegates are generic, so the app's client is checked against this at
 * runtime, not by the compiler.
 */
export interface ModelDelegate<Row> {
  findUnique<K extends keyof Row>(args: {
    where: Partial<Row>;
    select: Select<Row, K>;
  }): Promise<Pick<Row, K> | null>;
  findMany<K extends keyof Row>(args: {
    where: Where<Row>;
    select: Select<Row, K>;
    orderBy?: { [P in keyof Row]?: "asc" | "desc" };
    take?: number;
  }): Promise<Pick<Row, K>[]>;
  create<K extends keyof Row>(args: { data: Row; select: Select<Row, K> }): Promise<Pick<Row, K>>;
  upsert<K extends keyof Row>(args: {
    where: Partial<Row>;
    create: Row;
    update: Partial<Row>;
    select: Select<Row, K>;
  }): Promise<Pick<Row, K>>;
  updateMany(args: { where: Where<Row>; data: Partial<Row> }): Promise<{ count: number }>;
  deleteMany(args: { where: Where<Row> }): Promise<{ count: number }>;
}

export type SessionDelegate = ModelDelegate<SessionRow>;
export type LogoutTokenClaimDelegate = ModelDelegate<LogoutTokenClaimRow>;
export type RefreshLeaseDelegate = ModelDelegate<RefreshLeaseRow>;

const sessionMethods = ["findUnique", "findMany", "upsert", "updateMany", "deleteMany"] as const;
/** What the logout-token and lease models need: an insert, a conditional update, a read, deletes. */
const extensionMethods = ["findUnique", "findMany", "create", "updateMany", "deleteMany"] as const;

const invalid = (message: string) => new SessionStoreError("STORE_INVALID_ARGUMENT", message);

function assertClient(prisma: unknown): asserts prisma is Record<string, unknown> {
  if (typeof prisma !== "object" || prisma === null) {
    throw invalid("prismaStore: pass your PrismaClient instance as the first argument");
  }
}

function checkMethods(delegate: object, model: string, methods: readonly string[]): void {
  for (const method of methods) {
    if (typeof (delegate as Record<string, unknown>)[method] !== "function") {
      throw invalid(`prismaStore: \`prisma.${model}.${method}\` is not a function`);
    }
  }
}

/**
 * Finds the model delegate `prisma[model]`, or says clearly why it is not there
 * (`STORE_INVALID_ARGUMENT`, as the other drivers answer a wrong client or options).
 */
export function resolveDelegate(prisma: object, model: string): SessionDelegate {
  assertClient(prisma);
  const delegate = prisma[model];
  if (typeof delegate !== "object" || delegate === null) {
    throw invalid(
      `prismaStore: the client has no model delegate \`${model}\`; add the sessionkit model to your schema.prisma, run \`prisma generate\`, or pass { model } with its name in camelCase`,
    );
  }
  checkMethods(delegate, model, sessionMethods);
  return delegate as SessionDelegate;
}

/**
 * The delegate of an optional model (logout-token claims, refresh leases). `false` turns it
 * off; `undefined` takes `fallback` when the client has it (the app added the model) and
 * turns it off when not; a name the app gave must exist.
 */
export function resolveOptionalDelegate<Row>(
  prisma: object,
  option: string | false | undefined,
  fallback: string,
  optionName: string,
): ModelDelegate<Row> | undefined {
  assertClient(prisma);
  if (option === false) return undefined;
  if (option !== undefined && (typeof option !== "string" || option === "")) {
    throw invalid(`prismaStore: \`${optionName}\` must be a model delegate name or false`);
  }
  const model = option ?? fallback;
  const delegate = prisma[model];
  if (typeof delegate !== "object" || delegate === null) {
    if (option === undefined) return undefined;
    throw invalid(
      `prismaStore: the client has no model delegate \`${model}\` (from \`${optionName}\`); add the sessionkit model to your schema.prisma and run \`prisma generate\`, or pass false to go without it`,
    );
  }
  checkMethods(delegate, model, extensionMethods);
  return delegate as ModelDelegate<Row>;
}
