import { describe, expect, it } from "vitest";
import { splitCompactJwe } from "../src/session/crypto-engine.js";
import { keyringFor } from "../src/session/keyring.js";
import { createNodeEngine } from "../src/session/node-engine.js";
import { createSealer } from "../src/session/sealer.js";
import { createWebEngine } from "../src/session/web-engine.js";
import { OTHER_SECRET, SECRET } from "./helpers.js";

const engines = ["node", "web"] as const;
const payload = { exp: 2_000_000_000, ses: { text: "héllo ✓ 🔐", nested: { list: [1, 2, 3] } } };

describe("sealing", () => {
  it("derives the same keys and header on both engines", async () => {
    const node = await keyringFor(createNodeEngine()!, [SECRET]);
    const web = await keyringFor(createWebEngine(), [SECRET]);
    expect(Buffer.from(node.sealing.key.raw)).toEqual(Buffer.from(web.sealing.key.raw));
    expect(node.sealing.header).toBe(web.sealing.header);
    expect(node.sealing.key.raw).toHaveLength(32);
    const other = await keyringFor(createNodeEngine()!, [OTHER_SECRET]);
    expect(Buffer.from(other.sealing.key.raw)).not.toEqual(Buffer.from(node.sealing.key.raw));
  });

  for (const sealWith of engines) {
    for (const openWith of engines) {
      it(`opens with ${openWith} what ${sealWith} sealed`, async () => {
        const token = await createSealer([SECRET], sealWith).seal(payload);
        expect(token.split(".")).toHaveLength(5);
        expect(token.split(".")[1]).toBe(""); // dir: no encrypted key
        const opened = await createSealer([SECRET], openWith).open(token);
        expect(opened).toEqual({ format: "sessionkit", payload });
      });
    }
  }

  it("writes a compact JWE with dir + A256GCM and a fresh IV each time", async () => {
    const sealer = createSealer([SECRET], "node");
    const [a, b] = [await sealer.seal(payload), await sealer.seal(payload)];
    const header = JSON.parse(Buffer.from(a.split(".")[0]!, "base64url").toString());
    expect(header).toMatchObject({ alg: "dir", enc: "A256GCM" });
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
  });

  for (const engine of engines) {
    describe(`${engine} engine`, () => {
      it("rotates: the first secret seals, every listed secret opens", async () => {
        const old = await createSealer([OTHER_SECRET], engine).seal(payload);
        const rotated = createSealer([SECRET, OTHER_SECRET], engine);
        expect((await rotated.open(old))?.payload).toEqual(payload);
        const fresh = await rotated.seal(payload);
        expect((await createSealer([SECRET], engine).open(fresh))?.payload).toEqual(payload);
        expect(await createSealer([OTHER_SECRET], engine).open(fresh)).toBeNull();
      });

      it("answers null, never throws, for anything that does not open", async () => {
        const sealer = createSealer([SECRET], engine);
        const good = await sealer.seal(payload);
        const [h, k, iv, ct, tag] = good.split(".") as [string, string, string, string, string];
        const flip = (s: string, at: number) =>
          s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
        const bad = [
          "",
          "not a jwe",
          good.slice(0, -5),
          good.slice(5),
          `${good}.`,
          [h, k, iv, flip(ct, 10), tag].join("."),
          [h, k, flip(iv, 3), ct, tag].join("."),
          [h, k, iv, ct, flip(tag, 2)].join("."),
          [h, "AAAA", iv, ct, tag].join("."),
          [h, k, iv, `${ct}!`, tag].join("."),
          [h, k, iv, `${ct.slice(0, -4)}+/+/`, tag].join("."),
          [h, k, iv, `${ct.slice(0, -4)}====`, tag].join("."),
          [h, k, iv, `${ct.slice(0, 20)} ${ct.slice(21)}`, tag].join("."),
          [h, k, iv, `${ct}A`, tag].join("."),
          [h, k, iv, ct.slice(0, 40), tag].join("."),
          good.replace(/./g, "é"),
          "a".repeat(100_000),
          await createSealer([OTHER_SECRET], engine).seal(payload),
        ];
        for (const token of bad) expect(await sealer.open(token), token.slice(0, 40)).toBeNull();
      });

      it("refuses a JWE whose plaintext is not UTF-8 or not a JSON object", async () => {
        const ring = await keyringFor(createNodeEngine()!, [SECRET]);
        const { createCipheriv, randomBytes } = await import("node:crypto");
        const seal = (plaintext: Buffer) => {
          const iv = randomBytes(12);
          const cipher = createCipheriv("aes-256-gcm", ring.sealing.key.raw, iv);
          cipher.setAAD(Buffer.from(ring.sealing.header));
          const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
          return [ring.sealing.header, "", iv, ct, cipher.getAuthTag()]
            .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
            .join(".");
        };
        const sealer = createSealer([SECRET], engine);
        expect(await sealer.open(seal(Buffer.from('{"ok":true}')))).not.toBeNull();
        expect(await sealer.open(seal(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))).toBeNull();
        expect(await sealer.open(seal(Buffer.from("[1,2]")))).toBeNull();
        expect(await sealer.open(seal(Buffer.from("{trunc")))).toBeNull();
      });
    });
  }

  it("splits only well-formed dir JWEs", () => {
    expect(splitCompactJwe("a..bbbbbbbbbbbbbbbb.c.dddddddddddddddddddddd")).not.toBeNull();
    expect(splitCompactJwe("a.x.bbbbbbbbbbbbbbbb.c.dddddddddddddddddddddd")).toBeNull();
    expect(splitCompactJwe("a..bbbbbbbbbbbbbbbb..dddddddddddddddddddddd")).toBeNull();
    expect(splitCompactJwe("a..bbbbbbbbbbbbbbb.c.dddddddddddddddddddddd")).toBeNull();
  });
});

describe("purposes", () => {
  it("keeps each purpose's keys apart", async () => {
    const transaction = createSealer([SECRET], "auto", "login-transaction");
    const session = createSealer([SECRET], "auto", "session-cookie");
    const token = await transaction.seal({ state: "abc" });
    expect((await transaction.open(token))?.payload).toEqual({ state: "abc" });
    expect(await session.open(token)).toBeNull();
    expect(await transaction.open(await session.seal({ exp: 1 }))).toBeNull();
  });
});

describe("engine selection", () => {
  it("has no node:crypto engine where Node's built-ins are absent (Edge), and the web one works there", async () => {
    const proc = process as { getBuiltinModule?: unknown };
    const original = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      expect(createNodeEngine()).toBeUndefined();
    } finally {
      proc.getBuiltinModule = original;
    }
    expect(createNodeEngine()?.name).toBe("node");
    const web = createWebEngine();
    const ring = await keyringFor(web, [SECRET]);
    const token = await web.encrypt(
      ring.sealing.key,
      ring.sealing.header,
      ring.sealing.headerJson,
      "{}",
    );
    expect(await web.decrypt(ring.sealing.key, splitCompactJwe(token)!)).toBe("{}");
  });
});
