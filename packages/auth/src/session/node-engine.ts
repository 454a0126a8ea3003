import type * as NodeBuffer from "node:buffer";
import type * as NodeCrypto from "node:crypto";
import type { CompactJwe, CryptoEngine, EngineKey } from "./crypto-engine.js";

type BuiltinLoader = (id: string) => unknown;

function builtin<T>(id: string): T | undefined {
  // `getBuiltinModule` needs no import statement, so Edge bundles never see node:crypto.
  const load = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process
    ?.getBuiltinModule;
  if (typeof load !== "function") return undefined;
  try {
    return load(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/** The `node:crypto` engine, or `undefined` where Node's built-ins are absent (Edge). */
export function createNodeEngine(): CryptoEngine | undefined {
  const crypto = builtin<typeof NodeCrypto>("node:crypto");
  const buffer = builtin<typeof NodeBuffer>("node:buffer");
  if (!crypto?.createCipheriv || !buffer?.Buffer) return undefined;
  const { createCipheriv, createDecipheriv, createHash, createSecretKey, hkdfSync, randomBytes } =
    crypto;
  const { Buffer, isUtf8 } = buffer;
  const TAG = { authTagLength: 16 } as const;

  return {
    name: "node",

    async hkdf(secret, info, length) {
      return new Uint8Array(hkdfSync("sha256", secret, new Uint8Array(0), info, length));
    },

    async importKey(raw) {
      return { raw, handle: createSecretKey(raw) };
    },

    encrypt(key: EngineKey, header: string, _json, plaintext: string) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key.handle as NodeCrypto.KeyObject, iv, TAG);
      cipher.setAAD(Buffer.from(header, "latin1"));
      const first = cipher.update(plaintext, "utf8");
      const last = cipher.final();
      const ciphertext = last.length ? Buffer.concat([first, last]) : first;
      const tag = cipher.getAuthTag();
      return `${header}..${iv.toString("base64url")}.${ciphertext.toString("base64url")}.${tag.toString("base64url")}`;
    },

    decrypt(key: EngineKey, jwe: CompactJwe) {
      try {
        const decipher = createDecipheriv(
          "aes-256-gcm",
          key.handle as NodeCrypto.KeyObject,
          Buffer.from(jwe.iv, "base64url"),
          TAG,
        );
        decipher.setAAD(Buffer.from(jwe.header, "latin1"));
        decipher.setAuthTag(Buffer.from(jwe.tag, "base64url"));
        const first = decipher.update(Buffer.from(jwe.ciphertext, "base64url"));
        const last = decipher.final();
        const plaintext = last.length ? Buffer.concat([first, last]) : first;
        return isUtf8(plaintext) ? plaintext.toString("utf8") : null;
      } catch {
        return null;
      }
    },

    randomId() {
      return randomBytes(32).toString("base64url");
    },

    sha256(text) {
      return createHash("sha256").update(text, "utf8").digest("base64url");
    },
  };
}
