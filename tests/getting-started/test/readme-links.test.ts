import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const packed = [
  "packages/auth",
  "packages/store-redis",
  "packages/store-prisma",
  "packages/store-dynamodb",
  "packages/store-conformance",
  "examples/dev-provider",
];

/** `https://host/path/blob/main/` from a package.json `repository.url` such as `git+https://host/path.git`. */
function blobBase(dir: string): string {
  const { repository } = JSON.parse(readFileSync(join(repo, dir, "package.json"), "utf8")) as {
    repository?: { url?: string };
  };
  const url = repository?.url?.replace(/^git\+/, "").replace(/\.git$/, "");
  if (!url) throw new Error(`${dir}/package.json has no repository.url`);
  return `${url}/blob/main/`;
}

// On the registry and inside the tarball, a README's relative link leads nowhere.
describe.each(packed)("%s/README.md", (dir) => {
  const markdown = readFileSync(join(repo, dir, "README.md"), "utf8");
  const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);

  it("links with absolute URLs only (no relative path)", () => {
    expect(links.filter((link) => !/^(https?:|mailto:|#)/.test(link))).toEqual([]);
  });

  it("links into the repository under its package.json repository URL, to files that exist", () => {
    const base = blobBase(dir);
    const host = new URL(base).host;
    const ours = links.filter((link) => link.startsWith(`https://${host}/`));
    for (const link of ours) {
      expect(link.startsWith(base), link).toBe(true);
      const path = decodeURIComponent(link.slice(base.length).replace(/#.*$/, ""));
      expect(existsSync(join(repo, path)), `${link}: ${path} is not in the repository`).toBe(true);
    }
  });
});
