// The one adapter between Node's http objects and the core: how it tells them apart, and that
// it keeps the package loadable where `node:http` does not exist (the Edge runtime).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { NextRequest, NextResponse } from "next/server.js";
import { describe, expect, it } from "vitest";
import {
  isAnyRequest,
  isNodeRequest,
  isNodeResponse,
  isWebRequest,
} from "../../src/http/node-adapter.js";

const src = fileURLToPath(new URL("../../src", import.meta.url));

describe("telling Node and Web objects apart", () => {
  it("by shape: Web requests and responses, the getAccessToken options object, and nothing else", () => {
    const web = new NextRequest("https://app.example.com/");
    expect(isWebRequest(web) && !isNodeRequest(web)).toBe(true);
    expect(isWebRequest(new Request("https://app.example.com/"))).toBe(true);
    expect(isNodeResponse(new Response(null))).toBe(false);
    expect(isNodeResponse(NextResponse.next())).toBe(false);
    for (const notARequest of [undefined, null, {}, { refresh: true }, "https://x", 1]) {
      expect(isAnyRequest(notARequest), JSON.stringify(notARequest)).toBe(false);
    }
  });

  it("a Node-shaped request from another realm (a separate vm context) is still a Node request", () => {
    const foreign = runInNewContext(
      "({ headers: { cookie: 'a=1' }, url: '/', method: 'GET', on() {} })",
    ) as unknown;
    expect(foreign instanceof Object, "really from another realm").toBe(false);
    expect(isNodeRequest(foreign)).toBe(true);
    const response = runInNewContext(
      "({ setHeader() {}, getHeader() {}, headersSent: false })",
    ) as unknown;
    expect(isNodeResponse(response)).toBe(true);
  });
});

describe("the Edge build", () => {
  it("no source file imports a node: module at run time (types only)", () => {
    const offenders: string[] = [];
    for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const path = join(entry.parentPath, entry.name);
      const text = readFileSync(path, "utf8");
      for (const match of text.matchAll(/^import\s+(?!type\b)[^;]*from\s+"node:[^"]+";/gm)) {
        offenders.push(`${path}: ${match[0]}`);
      }
      for (const match of text.matchAll(/import\(\s*"node:[^"]+"\s*\)/g)) {
        offenders.push(`${path}: ${match[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
