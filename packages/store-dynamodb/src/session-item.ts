import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { type SessionData, SessionStoreError, serializeSession } from "@sessionkit/auth/store";
import {
  EXPIRES_AT_ATTRIBUTE,
  indexKey,
  MAX_KEY_BYTES,
  SESSION_ATTRIBUTE,
  SID_KEY_ATTRIBUTE,
  SUB_KEY_ATTRIBUTE,
  type TableLayout,
} from "./table-layout.js";
import { utf8Length } from "./utf8-length.js";

/** DynamoDB's item size limit (400 KB), attribute names included, in bytes. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** The most a DynamoDB number can take in an item, in bytes (38 significant digits). */
const MAX_NUMBER_BYTES = 21;

export type SessionItem = Record<string, AttributeValue>;

/**
 * The TTL attribute's value for an expiry in epoch milliseconds. DynamoDB's TTL reads whole
 * epoch seconds; rounding up never ends an item early.
 */
export const ttlSeconds = (expiresAt: number): string => String(Math.ceil(expiresAt / 1000));

/**
 * Builds the item that holds a session, checking DynamoDB's limits first so an
 * oversized session fails here, before any request is sent.
 */
export function sessionItem(
  layout: TableLayout,
  id: string,
  session: SessionData,
  expiresAt: number,
): SessionItem {
  const json = serializeSession(session);
  const { iss, sid } = session.internal;
  const subKey = indexKey(iss, session.user.sub);
  const sidKey = sid ? indexKey(iss, sid) : undefined;
  for (const key of [subKey, sidKey]) {
    if (key !== undefined && utf8Length(key) > MAX_KEY_BYTES) {
      throw new SessionStoreError(
        "STORE_INVALID_ARGUMENT",
        `the session's issuer plus sid or sub is longer than DynamoDB's ${MAX_KEY_BYTES}-byte index key limit`,
      );
    }
  }
  const item: SessionItem = {
    [layout.partitionKey]: { S: id },
    [SESSION_ATTRIBUTE]: { S: json },
    [EXPIRES_AT_ATTRIBUTE]: { N: String(expiresAt) },
    [layout.ttlAttribute]: { N: ttlSeconds(expiresAt) },
    [SUB_KEY_ATTRIBUTE]: { S: subKey },
  };
  if (sidKey !== undefined) item[SID_KEY_ATTRIBUTE] = { S: sidKey };
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) {
    throw new SessionStoreError(
      "STORE_PAYLOAD_TOO_LARGE",
      `the session needs ${size} bytes, more than a DynamoDB item holds (${MAX_ITEM_BYTES})`,
    );
  }
  return item;
}

/** An upper bound of an item's size as DynamoDB counts it: names plus values. */
export function itemSize(item: SessionItem): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += utf8Length(name);
    if (value.S !== undefined) size += utf8Length(value.S);
    else if (value.N !== undefined) size += MAX_NUMBER_BYTES;
    else size += MAX_ITEM_BYTES; // the store writes only strings and numbers
  }
  return size;
}
