import { base64url, CompactEncrypt, compactDecrypt } from "jose";
import type { CompactJwe, CryptoEngine, EngineKey } from "./crypto-engine.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const DECRYPT_OPTIONS = {
  keyManagementAlgorithms: ["dir"],
  contentEncryptionAlgorithms: ["A256GCM"],
};

/** The Web Crypto engine (`jose` for JWE): what runs on the Edge runtime. */
export function createWebEngine(): CryptoEngine {
  const { subtle } = globalThis.crypto;
  return {
    name: "web",

    async hkdf(secret, info, length) {
      const ikm = await subtle.importKey("raw", encoder.encode(secret), "HKDF", false, [
        "deriveBits",
      ]);
      const bits = await subtle.deriveBits(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(info) },
        ikm,
        length * 8,
      );
      return new Uint8Array(bits);
    },

    async importKey(raw) {
      const handle = await subtle.importKey(
        "raw",
        raw as Uint8Array<ArrayBuffer>,
        "AES-GCM",
        false,
        ["encrypt", "decrypt"],
      );
      return { raw, handle };
    },

    async encrypt(key: EngineKey, _header, json, plaintext) {
      return new CompactEncrypt(encoder.encode(plaintext))
        .setProtectedHeader({ ...json })
        .encrypt(key.handle as CryptoKey);
    },

    async decrypt(key: EngineKey, jwe: CompactJwe) {
      try {
        const { plaintext } = await compactDecrypt(
          jwe.token,
          key.handle as CryptoKey,
          DECRYPT_OPTIONS,
        );
        return decoder.decode(plaintext);
      } catch {
        return null;
      }
    },

    randomId() {
      return base64url.encode(globalThis.crypto.getRandomValues(new Uint8Array(32)));
    },

    async sha256(text) {
      return base64url.encode(new Uint8Array(await subtle.digest("SHA-256", encoder.encode(text))));
    },
  };
}
