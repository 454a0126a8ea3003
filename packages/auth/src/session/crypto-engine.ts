/** A key imported for one engine; `raw` is kept so both engines can be compared in tests. */
export interface EngineKey {
  readonly raw: Uint8Array;
  readonly handle: unknown;
}

/** Our protected header: `dir` + `A256GCM`, and a key id. */
export interface JweHeader {
  alg: "dir";
  enc: "A256GCM";
  kid: string;
}

/** The five segments of a compact JWE, already checked to be base64url. */
export interface CompactJwe {
  token: string;
  header: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/**
 * The cryptography the session layer needs. Two implementations produce and
 * accept the same bytes: `node:crypto` (synchronous, fast) and Web Crypto via
 * `jose` (Edge runtime).
 */
export interface CryptoEngine {
  readonly name: "node" | "web";
  /** HKDF-SHA256 with an empty salt. */
  hkdf(secret: string, info: string, length: number): Promise<Uint8Array>;
  importKey(raw: Uint8Array): Promise<EngineKey>;
  /** A compact JWE (`dir`, `A256GCM`) of `plaintext` under `header` (its base64url segment) / `headerJson`. */
  encrypt(
    key: EngineKey,
    header: string,
    headerJson: JweHeader,
    plaintext: string,
  ): string | Promise<string>;
  /** The UTF-8 plaintext, or `null` when the JWE does not open under `key` or is not UTF-8. */
  decrypt(key: EngineKey, jwe: CompactJwe): string | null | Promise<string | null>;
  /** 256 random bits, base64url. */
  randomId(): string;
  /** SHA-256 of the UTF-8 text, base64url. */
  sha256(text: string): string | Promise<string>;
}

/**
 * Splits a compact `dir` JWE into its segments; `null` for anything else.
 * Never throws. Each engine checks the base64url of the segments as it decodes.
 */
export function splitCompactJwe(token: string): CompactJwe | null {
  const a = token.indexOf(".");
  if (a < 1) return null;
  // `dir` has an empty encrypted-key segment: the next character is a dot.
  if (token.charCodeAt(a + 1) !== 46) return null;
  const b = a + 1;
  const c = token.indexOf(".", b + 1);
  if (c < 0) return null;
  const d = token.indexOf(".", c + 1);
  if (d < 0 || token.indexOf(".", d + 1) >= 0) return null;
  const iv = token.slice(b + 1, c);
  const tag = token.slice(d + 1);
  // 96-bit IV and 128-bit tag, unpadded base64url.
  if (iv.length !== 16 || tag.length !== 22 || d === c + 1) return null;
  return { token, header: token.slice(0, a), iv, ciphertext: token.slice(c + 1, d), tag };
}
