import { base64url } from "jose";
import { type CompactJwe, type CryptoEngine, splitCompactJwe } from "./crypto-engine.js";
import { type Keyring, keyringFor, type SealPurpose } from "./keyring.js";
import { createNodeEngine } from "./node-engine.js";
import { createWebEngine } from "./web-engine.js";

/** Which engine seals and opens: `auto` picks `node:crypto` where it exists. */
export type CryptoEngineName = "auto" | "node" | "web";

/** A JWE that opened, with which key family opened it. */
export interface OpenedToken {
  format: "sessionkit" | "nextjs-auth0";
  payload: Record<string, unknown>;
}

/** Seals JSON payloads into compact JWEs and opens them; opening never throws. */
export interface Sealer {
  readonly engine: CryptoEngine;
  seal(payload: Record<string, unknown>): Promise<string>;
  open(token: string): Promise<OpenedToken | null>;
}

/** Longer than any session we would write (20 chunks); refused before any crypto. */
export const MAX_TOKEN_LENGTH = 72_000;

let nodeEngine: CryptoEngine | undefined | null = null;
let webEngine: CryptoEngine | undefined;

/** The engine of that name; `auto` is `node` where available, else `web`. */
export function cryptoEngine(name: CryptoEngineName = "auto"): CryptoEngine {
  if (name !== "web") {
    if (nodeEngine === null) nodeEngine = createNodeEngine();
    if (nodeEngine) return nodeEngine;
    if (name === "node") throw new Error("node:crypto is not available in this runtime");
  }
  webEngine ??= createWebEngine();
  return webEngine;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** A header @auth0/nextjs-auth0 v4 writes: `dir` + `A256GCM`, nothing that changes processing. */
function isForeignDirHeader(segment: string): boolean {
  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(base64url.decode(segment));
  } catch {
    return false;
  }
  const header = parseObject(json);
  return (
    header !== null &&
    header.alg === "dir" &&
    header.enc === "A256GCM" &&
    header.kid === undefined &&
    header.zip === undefined &&
    header.crit === undefined
  );
}

/** A sealer for a secret list and purpose: keys derive on first use, once per process. */
export function createSealer(
  secrets: readonly string[],
  engineName: CryptoEngineName = "auto",
  purpose: SealPurpose = "session-cookie",
): Sealer {
  const engine = cryptoEngine(engineName);
  const pending = keyringFor(engine, secrets, purpose);
  let keyring: Keyring | undefined;
  pending.then(
    (k) => {
      keyring = k;
    },
    () => {},
  );

  async function openForeign(ring: Keyring, jwe: CompactJwe): Promise<OpenedToken | null> {
    if (!isForeignDirHeader(jwe.header)) return null;
    for (const key of ring.nextjsAuth0) {
      const text = await engine.decrypt(key, jwe);
      if (text !== null) {
        const payload = parseObject(text);
        return payload && { format: "nextjs-auth0", payload };
      }
    }
    return null;
  }

  return {
    engine,

    async seal(payload) {
      const ring = keyring ?? (await pending);
      const { key, header, headerJson } = ring.sealing;
      return engine.encrypt(key, header, headerJson, JSON.stringify(payload));
    },

    async open(token) {
      try {
        if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return null;
        const jwe = splitCompactJwe(token);
        if (!jwe) return null;
        const ring = keyring ?? (await pending);
        const own = ring.byHeader.get(jwe.header);
        if (!own) return await openForeign(ring, jwe);
        const text = await engine.decrypt(own.key, jwe);
        const payload = text === null ? null : parseObject(text);
        return payload && { format: "sessionkit", payload };
      } catch {
        return null;
      }
    },
  };
}
