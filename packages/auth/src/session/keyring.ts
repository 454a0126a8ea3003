import { base64url } from "jose";
import type { CryptoEngine, EngineKey, JweHeader } from "./crypto-engine.js";

/** What a sealed value is for; each purpose has its own keys, so one kind can never pass for another. */
export type SealPurpose = "session-cookie" | "login-transaction" | "stored-tokens";
// The HKDF info label @auth0/nextjs-auth0 v4 derives its cookie key with (empty salt, SHA-256).
const NEXTJS_AUTH0_INFO = "JWE CEK";

/** One secret's sealing key and the protected header that names it. */
export interface SealingKey {
  key: EngineKey;
  kid: string;
  /** The protected header, as JSON and as its base64url segment (the JWE's AAD). */
  headerJson: JweHeader;
  header: string;
}

/** Every key derived from a secret list: the first seals, all open. */
export interface Keyring {
  sealing: SealingKey;
  /** Ours, by header segment: opening picks the key without parsing the header. */
  byHeader: ReadonlyMap<string, SealingKey>;
  /** Keys @auth0/nextjs-auth0 v4 would have sealed with, in secret order. */
  nextjsAuth0: readonly EngineKey[];
}

const cache = new Map<string, Promise<Keyring>>();

async function deriveSealingKey(
  engine: CryptoEngine,
  secret: string,
  purpose: SealPurpose,
): Promise<SealingKey> {
  const [raw, kidBytes] = await Promise.all([
    engine.hkdf(secret, `sessionkit/${purpose}/v1/A256GCM`, 32),
    engine.hkdf(secret, `sessionkit/${purpose}/v1/kid`, 9),
  ]);
  const kid = base64url.encode(kidBytes);
  const headerJson: JweHeader = { alg: "dir", enc: "A256GCM", kid };
  const header = base64url.encode(JSON.stringify(headerJson));
  return { key: await engine.importKey(raw), kid, headerJson, header };
}

async function derive(
  engine: CryptoEngine,
  secrets: readonly string[],
  purpose: SealPurpose,
): Promise<Keyring> {
  const sealingKeys = await Promise.all(secrets.map((s) => deriveSealingKey(engine, s, purpose)));
  // Only session cookies have a predecessor format to accept.
  const nextjsAuth0 =
    purpose === "session-cookie"
      ? await Promise.all(
          secrets.map(async (s) => engine.importKey(await engine.hkdf(s, NEXTJS_AUTH0_INFO, 32))),
        )
      : [];
  return {
    sealing: sealingKeys[0]!,
    byHeader: new Map(sealingKeys.map((k) => [k.header, k])),
    nextjsAuth0,
  };
}

/** The keyring of a secret list, derived once per engine and purpose and cached for the process. */
export function keyringFor(
  engine: CryptoEngine,
  secrets: readonly string[],
  purpose: SealPurpose = "session-cookie",
): Promise<Keyring> {
  const cacheKey = `${engine.name}\u0000${purpose}\u0000${secrets.join("\u0000")}`;
  let keyring = cache.get(cacheKey);
  if (!keyring) {
    keyring = derive(engine, secrets, purpose);
    cache.set(cacheKey, keyring);
    // A failed derivation must not poison the cache.
    keyring.catch(() => cache.delete(cacheKey));
  }
  return keyring;
}
