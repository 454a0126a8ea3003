import { SessionStoreError } from "@sessionkit/auth/store";

/** Redis Cluster's slot count. */
const SLOTS = 16_384;

/** The largest `shards` value: finding evenly spread hash tags stays instant up to here. */
export const MAX_SHARDS = 1_024;

const crcTable = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/** The Redis Cluster slot of a hash tag (CRC16/XMODEM of its UTF-8 bytes, mod 16384). */
export function slotOf(tag: string): number {
  let crc = 0;
  for (const byte of new TextEncoder().encode(tag)) {
    crc = ((crc << 8) & 0xffff) ^ crcTable[((crc >> 8) ^ byte) & 0xff]!;
  }
  return crc % SLOTS;
}

/**
 * The hash tag of each shard. Shard `k` of `n` gets the first of `k`, `k-1`,
 * `k-2`… whose slot lies in the k-th n-th of the slot space, so the shards
 * spread evenly over the masters of a cluster with the usual contiguous slot
 * ranges, and every instance of the app computes the same tags.
 */
export function shardTags(shards: number): string[] {
  const tags: string[] = [];
  for (let k = 0; k < shards; k++) {
    const low = Math.floor((k * SLOTS) / shards);
    const high = Math.floor(((k + 1) * SLOTS) / shards);
    for (let j = 0; ; j++) {
      const tag = j === 0 ? `${k}` : `${k}-${j}`;
      const slot = slotOf(tag);
      if (slot >= low && slot < high) {
        tags.push(tag);
        break;
      }
    }
  }
  return tags;
}

/** The shard of a session id: FNV-1a over its UTF-16 code units. */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * A reference to an index entry: `["iss","sub"]` or `["iss","sid"]` as JSON,
 * unambiguous for any strings and free of newlines (the stored-value header
 * separator).
 */
export const indexRef = (iss: string, value: string) => JSON.stringify([iss, value]);

/** Where one store keeps its keys. */
export interface KeyLayout {
  /** Per shard: `<prefix>{<tag>}:`, the start of every key of that shard (without the client's `keyPrefix`). */
  readonly bases: readonly string[];
  /** Per shard: the client's `keyPrefix` + the base, for keys that scripts build themselves. */
  readonly scriptBases: readonly string[];
  /** Per shard: its Cluster slot. */
  readonly slots: readonly number[];
  readonly shards: number;
}

/** Builds the layout once per store; rejects a prefix that would break Cluster hash tags. */
export function createKeyLayout(
  prefix: string,
  shards: number,
  clientKeyPrefix: string,
): KeyLayout {
  if (typeof prefix !== "string" || prefix.includes("{") || prefix.includes("}")) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "`prefix` must be a string without `{` or `}` (the store sets its own Cluster hash tags)",
    );
  }
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      `\`shards\` must be an integer from 1 to ${MAX_SHARDS}`,
    );
  }
  const tags = shardTags(shards);
  const bases = tags.map((tag) => `${prefix}{${tag}}:`);
  return {
    bases,
    scriptBases: bases.map((base) => clientKeyPrefix + base),
    slots: tags.map(slotOf),
    shards,
  };
}

/** The session key of `id` in its shard. */
export const sessionKey = (base: string, id: string) => `${base}s:${id}`;
/** A claimed back-channel logout token's `jti`, kept until the token expires. */
export const logoutTokenKey = (base: string, jti: string) => `${base}j:${jti}`;
/** A session's refresh lease (value: the holder), kept until the lease ends. */
export const leaseKey = (base: string, id: string) => `${base}l:${id}`;
/** The `iss`+`sub` index of a shard. */
export const subIndexKey = (base: string, ref: string) => `${base}u:${ref}`;
/** The `iss`+`sid` index of a shard. */
export const sidIndexKey = (base: string, ref: string) => `${base}i:${ref}`;
