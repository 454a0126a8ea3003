import { accessSync, constants, readdirSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The first executable `name` on PATH or in `extraDirs` (tried after PATH). */
export function findBinary(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (isExecutable(path)) return path;
  }
  return undefined;
}

/** Subdirectories of `parent` matching `pattern`, highest version first. */
export function versionedDirs(parent: string, pattern: RegExp, suffix = ""): string[] {
  try {
    return readdirSync(parent)
      .filter((entry) => pattern.test(entry))
      .sort((a, b) => b.localeCompare(a, "en", { numeric: true }))
      .map((entry) => join(parent, entry, suffix));
  } catch {
    return [];
  }
}

/** uid/gid of a system user, read from /etc/passwd. */
export function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [user, , uid, gid] = line.split(":");
      if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // No /etc/passwd (not a Unix-like system).
  }
  return undefined;
}

/** Whether this process runs as root (servers such as PostgreSQL refuse to). */
export const isRoot = () => process.getuid?.() === 0;
