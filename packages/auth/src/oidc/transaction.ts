/** What a login must remember until its callback. Plain JSON, sealed into a `__txn_<state>` cookie. */
export interface LoginTransaction {
  /** The `state` sent to the provider; also the cookie name's suffix. */
  state: string;
  /** The `nonce` the ID token must carry. */
  nonce: string;
  /** The PKCE verifier of the `code_challenge` sent. */
  codeVerifier: string;
  /** Where to send the user after login: an absolute URL on the app (already sanitised). */
  returnTo: string;
  /** When the login started, in epoch milliseconds. */
  createdAt: number;
  /**
   * The `max_age` the authorization request carried, in seconds: the ID token must then say
   * (`auth_time`) that the user authenticated at most that long ago.
   */
  maxAge?: number;
}

/** Prefix of login transaction cookies. */
export const TRANSACTION_COOKIE_PREFIX = "__txn_";

const TIME_WIDTH = 9;

/**
 * A fresh `state`: the creation time (fixed-width base36, so names sort by age) followed by
 * `random` (at least 32 characters of randomness).
 */
export function createState(random: string, now: number): string {
  return Math.max(0, Math.floor(now)).toString(36).padStart(TIME_WIDTH, "0") + random;
}

/** The creation time a {@link createState} state carries, or `undefined`. */
export function stateCreatedAt(state: string): number | undefined {
  const prefix = state.slice(0, TIME_WIDTH);
  if (prefix.length !== TIME_WIDTH || !/^[0-9a-z]+$/.test(prefix)) return undefined;
  return Number.parseInt(prefix, 36);
}

/** The cookie that holds the transaction of `state`. */
export function transactionCookieName(state: string): string {
  return TRANSACTION_COOKIE_PREFIX + state;
}

/** Whether `value` is a well-formed {@link LoginTransaction} (e.g. just unsealed from a cookie). */
export function isLoginTransaction(value: unknown): value is LoginTransaction {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.state === "string" &&
    record.state !== "" &&
    typeof record.nonce === "string" &&
    record.nonce !== "" &&
    typeof record.codeVerifier === "string" &&
    record.codeVerifier !== "" &&
    typeof record.returnTo === "string" &&
    typeof record.createdAt === "number" &&
    Number.isFinite(record.createdAt) &&
    (record.maxAge === undefined ||
      (typeof record.maxAge === "number" &&
        Number.isSafeInteger(record.maxAge) &&
        record.maxAge >= 0))
  );
}

/** Whether the transaction is older than `maxAgeSeconds` (or from the future). */
export function isTransactionExpired(
  transaction: LoginTransaction,
  maxAgeSeconds: number,
  now: number = Date.now(),
): boolean {
  const age = now - transaction.createdAt;
  return age < -60_000 || age > maxAgeSeconds * 1000;
}

/** Options of {@link transactionCookiesToDrop}. */
export interface TransactionCookiesToDropOptions {
  /** How many transaction cookies may exist at once. @default 3 */
  max?: number;
  /** How many transactions are about to be added (the login in progress). @default 1 */
  adding?: number;
  /** Transactions older than this, in seconds, are dropped whatever the count. @default 600 */
  maxAge?: number;
  /** The current time, in epoch milliseconds. @default Date.now() */
  now?: number;
}

/**
 * Which of the request's cookie `names` to delete so that, once `adding` new transactions are set,
 * at most `max` transaction cookies exist: expired or unreadable ones first, then the oldest.
 * Names without the `__txn_` prefix are ignored. Abandoned logins thus never grow the header.
 */
export function transactionCookiesToDrop(
  names: Iterable<string>,
  options: TransactionCookiesToDropOptions = {},
): string[] {
  const max = Math.max(0, options.max ?? 3);
  const adding = Math.max(0, options.adding ?? 1);
  const maxAgeMs = (options.maxAge ?? 600) * 1000;
  const now = options.now ?? Date.now();

  const drop: string[] = [];
  const live: { name: string; createdAt: number }[] = [];
  for (const name of new Set(names)) {
    if (!name.startsWith(TRANSACTION_COOKIE_PREFIX)) continue;
    const createdAt = stateCreatedAt(name.slice(TRANSACTION_COOKIE_PREFIX.length));
    if (createdAt === undefined || now - createdAt > maxAgeMs || createdAt - now > 60_000) {
      drop.push(name);
    } else {
      live.push({ name, createdAt });
    }
  }
  live.sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1));
  const excess = live.length + adding - max;
  for (let index = 0; index < excess && index < live.length; index += 1) {
    drop.push(live[index]!.name);
  }
  return drop;
}
