import { SessionStoreError } from "@sessionkit/auth/store";

/** Where the store keeps what, as resolved from the options once. */
export interface TableLayout {
  tableName: string;
  partitionKey: string;
  ttlAttribute: string;
  sidIndexName: string;
  subIndexName: string;
}

/** Attributes whose names are fixed; the table's key and TTL attribute are configurable. */
export const SESSION_ATTRIBUTE = "session";
export const EXPIRES_AT_ATTRIBUTE = "expiresAt";
export const SID_KEY_ATTRIBUTE = "sidKey";
export const SUB_KEY_ATTRIBUTE = "subKey";
/** Who holds a refresh lease (lease items only). */
export const HOLDER_ATTRIBUTE = "holder";

/**
 * Key prefixes of the store's own items beside the sessions: logout-token claims and refresh
 * leases. The core's session ids are base64url and never contain `#`; the store refuses a
 * session id starting with either prefix, so the three kinds of item can never collide.
 */
export const LOGOUT_TOKEN_PREFIX = "#logout-token#";
export const REFRESH_LEASE_PREFIX = "#refresh-lease#";

/** DynamoDB's limit on a partition key value of a table or an index, in bytes. */
export const MAX_KEY_BYTES = 2048;

/** Table, index and attribute names before their defaults are applied. */
export interface TableLayoutInput {
  tableName: string;
  partitionKey?: string;
  ttlAttribute?: string;
  sidIndexName?: string;
  subIndexName?: string;
}

const invalid = (message: string) => new SessionStoreError("STORE_INVALID_ARGUMENT", message);

const nonEmpty = (value: unknown, what: string): string => {
  if (typeof value !== "string" || value === "")
    throw invalid(`${what} must be a non-empty string`);
  return value;
};

/** Applies the defaults and rejects names that would collide, so a bad layout fails at start-up. */
export function resolveTableLayout(options: TableLayoutInput): TableLayout {
  if (typeof options !== "object" || options === null) {
    throw invalid("the DynamoDB store needs options with a `tableName`");
  }
  const layout: TableLayout = {
    tableName: nonEmpty(options.tableName, "`tableName`"),
    partitionKey: nonEmpty(options.partitionKey ?? "id", "`partitionKey`"),
    ttlAttribute: nonEmpty(options.ttlAttribute ?? "ttl", "`ttlAttribute`"),
    sidIndexName: nonEmpty(options.sidIndexName ?? "sid-index", "`sidIndexName`"),
    subIndexName: nonEmpty(options.subIndexName ?? "sub-index", "`subIndexName`"),
  };
  const names = [
    layout.partitionKey,
    layout.ttlAttribute,
    SESSION_ATTRIBUTE,
    EXPIRES_AT_ATTRIBUTE,
    SID_KEY_ATTRIBUTE,
    SUB_KEY_ATTRIBUTE,
    HOLDER_ATTRIBUTE,
  ];
  if (new Set(names).size !== names.length) {
    throw invalid(
      `\`partitionKey\` and \`ttlAttribute\` must differ from each other and from ${names.slice(2).join(", ")}`,
    );
  }
  if (layout.sidIndexName === layout.subIndexName) {
    throw invalid("`sidIndexName` and `subIndexName` must differ");
  }
  return layout;
}

/**
 * The index key of an issuer plus a `sid` or `sub`. A JSON array keeps the
 * pair unambiguous whatever characters either part contains.
 */
export function indexKey(iss: string, value: string): string {
  return JSON.stringify([iss, value]);
}
