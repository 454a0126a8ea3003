import { AuthError, type AuthErrorOptions, type OidcErrorCode, statusOf } from "../errors.js";
import { brand, hasBrand } from "../store/session-store-error.js";

const OIDC_ERROR = Symbol.for("@sessionkit/auth.OidcError");

export type { OidcErrorCode } from "../errors.js";

/** Options of the {@link OidcError} constructor. */
export interface OidcErrorOptions extends AuthErrorOptions {
  /** A short, stable, snake_case reason safe to show to the caller (e.g. `state_mismatch`). */
  reason?: string;
  /** The HTTP status to answer. @default the code's status (see `AuthErrorCode`) */
  status?: number;
}

/**
 * A failure of the OIDC protocol layer. Every code maps to a 4xx or 502 status, except a client
 * the provider refuses (`OIDC_CLIENT_REJECTED`, 500: a configuration error). The
 * message never holds a token, code, cookie value or secret.
 */
export class OidcError extends AuthError {
  override readonly name: string = "OidcError";
  override readonly code: OidcErrorCode;
  override readonly status: number;
  /** A short, stable, snake_case reason, safe to show to the caller. */
  readonly reason: string;

  constructor(code: OidcErrorCode, message: string, options: OidcErrorOptions = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? statusOf(code);
    this.reason = options.reason ?? code.slice("OIDC_".length).toLowerCase();
    brand(this, OIDC_ERROR);
  }

  /** `instanceof` holds for an `OidcError` of any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, OIDC_ERROR);
  }
}

/** Whether `value` is an {@link OidcError}, optionally with the given code; narrows `code` to it. */
export function isOidcError<C extends OidcErrorCode = OidcErrorCode>(
  value: unknown,
  code?: C,
): value is OidcError & { readonly code: C } {
  return value instanceof OidcError && (code === undefined || value.code === code);
}
