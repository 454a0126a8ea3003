import {
  errorChain,
  isNetworkErrorCode,
  SessionStoreError,
  type SessionStoreErrorCode,
  storeCall,
} from "@sessionkit/auth/store";

// Prisma error codes (https://www.prisma.io/docs/orm/reference/error-reference).
const unavailablePrismaCodes = new Set([
  "P1001", // can't reach database server
  "P1002", // server reached but timed out
  "P1008", // operation timed out
  "P1011", // TLS connection error
  "P1017", // server closed the connection
  "P2024", // timed out fetching a connection from the pool
  "P2037", // too many connections
]);
const tooLargePrismaCodes = new Set(["P2000"]); // value too long for the column

// Driver codes behind Prisma's generic "database error": PostgreSQL SQLSTATEs, MySQL/MariaDB
// errnos (server and the mariadb connector's own) and SQLite result codes.
const unavailableDriverCodes = new Set([
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "1040", // ER_CON_COUNT_ERROR
  "1053", // ER_SERVER_SHUTDOWN
  "1927", // ER_CONNECTION_KILLED
  "2002",
  "2003",
  "2006",
  "2013", // client: can't connect / server gone away / lost connection
  "45009", // connector: connection closed
  "45012", // connector: socket closed unexpectedly
  "45028", // connector: pool timeout (no connection could be made)
  "SQLITE_BUSY",
  "5", // SQLITE_BUSY as a number
]);
const tooLargeDriverCodes = new Set([
  "1153", // ER_NET_PACKET_TOO_LARGE (max_allowed_packet)
  "1406", // ER_DATA_TOO_LONG
  "SQLITE_TOOBIG",
  "18",
]);

type Fields = Record<string, unknown>;
const asFields = (value: unknown): Fields | undefined =>
  typeof value === "object" && value !== null ? (value as Fields) : undefined;

/** Prisma's driver adapter error: the driver's own failure, beside `cause` rather than in it. */
const prismaLinks = (fields: Fields): unknown[] => [asFields(fields.meta)?.driverAdapterError];

/** Every error in the chain (`errorChain`), with Prisma's driver adapter error as an extra link. */
const chain = (error: unknown) => errorChain(error, prismaLinks);

/** Whether Prisma reports a unique-constraint violation (`P2002`): the row is already there. */
export function isUniqueViolation(error: unknown): boolean {
  for (const fields of chain(error)) {
    if (fields.code === "P2002" || fields.kind === "UniqueConstraintViolation") return true;
  }
  return false;
}

const codesOf = (fields: Fields): string[] =>
  [fields.code, fields.errorCode, fields.originalCode, fields.errno, fields.sqlState]
    .filter((code) => typeof code === "string" || typeof code === "number")
    .map(String);

/** Decides which {@link SessionStoreErrorCode} a Prisma or driver failure is. */
export function classifyError(error: unknown): SessionStoreErrorCode {
  for (const fields of chain(error)) {
    const name = typeof fields.name === "string" ? fields.name : "";
    if (name === "PrismaClientInitializationError") return "STORE_UNAVAILABLE";
    if (fields.kind === "DatabaseNotReachable" || fields.kind === "ConnectionClosed") {
      return "STORE_UNAVAILABLE";
    }
    if (fields.kind === "SocketTimeout" || fields.kind === "TooManyConnections") {
      return "STORE_UNAVAILABLE";
    }
    if (fields.kind === "LengthMismatch") return "STORE_PAYLOAD_TOO_LARGE";
    for (const code of codesOf(fields)) {
      if (unavailablePrismaCodes.has(code) || isNetworkErrorCode(code)) {
        return "STORE_UNAVAILABLE";
      }
      if (unavailableDriverCodes.has(code) || code.startsWith("08")) return "STORE_UNAVAILABLE";
      if (tooLargePrismaCodes.has(code) || tooLargeDriverCodes.has(code)) {
        return "STORE_PAYLOAD_TOO_LARGE";
      }
    }
    // The mariadb connector reports "connect ECONNREFUSED …" as a string cause.
    if (
      typeof fields.cause === "string" &&
      /\bE(CONNREFUSED|CONNRESET|TIMEDOUT)\b/.test(fields.cause)
    ) {
      return "STORE_UNAVAILABLE";
    }
  }
  return "STORE_OPERATION_FAILED";
}

const descriptions: Record<SessionStoreErrorCode, string> = {
  STORE_UNAVAILABLE: "the database could not be reached",
  STORE_THROTTLED: "the database asked to slow down",
  STORE_PAYLOAD_TOO_LARGE: "a value is too large for its column",
  STORE_INVALID_ARGUMENT: "invalid argument",
  STORE_OPERATION_FAILED: "the database reported an error",
};

/**
 * Wraps a Prisma or driver failure in a {@link SessionStoreError}. The message names the
 * operation and Prisma's code only: Prisma's own message may quote the query's values
 * (session JSON, tokens), so it stays in `cause`.
 */
export function toStoreError(error: unknown, operation: string): SessionStoreError {
  const code = classifyError(error);
  const prismaCode = asFields(error)?.code;
  const suffix =
    typeof prismaCode === "string" && /^P\d{4}$/.test(prismaCode) ? ` (${prismaCode})` : "";
  return new SessionStoreError(
    code,
    `prisma store: ${operation} failed: ${descriptions[code]}${suffix}`,
    { cause: error },
  );
}

/**
 * Whether the database chose this statement as a deadlock victim or refused it as a write
 * conflict (`P2034`; MySQL/MariaDB 1213, PostgreSQL 40P01/40001). Nothing of it was applied.
 */
export function isWriteConflict(error: unknown): boolean {
  for (const fields of chain(error)) {
    if (fields.code === "P2034" || fields.kind === "TransactionWriteConflict") return true;
    if (codesOf(fields).some((code) => code === "1213" || code === "40P01" || code === "40001")) {
      return true;
    }
  }
  return false;
}

const CONFLICT_ATTEMPTS = 4;

/**
 * Runs one statement again when the database rolled it back as a deadlock victim. InnoDB
 * deadlocks a DELETE through a secondary index (a logout) against an UPDATE by primary key
 * (a touch) of the same row; the victim was rolled back whole, so running it again is exactly
 * running it a moment later. A short random pause keeps two victims from meeting again.
 */
export async function retryConflicts<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= CONFLICT_ATTEMPTS || !isWriteConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/**
 * Runs one store operation (deadlock victims run again), turning whatever Prisma throws into
 * a {@link SessionStoreError}.
 */
export const attempt = <T>(operation: string, run: () => Promise<T>): Promise<T> =>
  storeCall(operation, () => retryConflicts(run), toStoreError);
