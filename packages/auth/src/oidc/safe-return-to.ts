import { parseUrl } from "./parse-url.js";

const MAX_LENGTH = 2048;

// ASCII controls, space, DEL and backslash: URL parsers strip or rewrite them ("\t", "\n" vanish,
// "\" becomes "/"), which is how "/\t/evil.com" and "/\evil.com" turn into "//evil.com".
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f\\]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function decodeFully(value: string): string | undefined {
  let current = value;
  for (let round = 0; round < 4; round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return undefined;
}

function startsLikeAuthority(path: string): boolean {
  return path.startsWith("//") || path.startsWith("/\\");
}

/**
 * `value` as an absolute URL on the app's origin, or `undefined` when it is not a safe
 * same-origin target: protocol-relative (`//evil.com`), backslash, control characters, other
 * schemes (`javascript:`, `data:`), another origin, credentials, encoded slashes that decode to
 * `//`, or Unicode that normalises to something else (e.g. a fullwidth `／`).
 * Accepts a path (`/dashboard?tab=1`) or an absolute URL with the app's origin.
 */
export function safeReturnTo(value: unknown, appBaseUrl: string): string | undefined {
  if (typeof value !== "string" || value === "" || value.length > MAX_LENGTH) return undefined;
  if (UNSAFE_CHARACTERS.test(value)) return undefined;
  if (value.normalize("NFKC") !== value) return undefined;

  const base = new URL(appBaseUrl);
  let target: URL;
  if (value.startsWith("/")) {
    if (startsLikeAuthority(value)) return undefined;
    target = new URL(value, base.origin);
  } else {
    const absolute = /^https?:\/\//i.test(value) ? parseUrl(value) : undefined;
    if (absolute === undefined) return undefined;
    target = absolute;
  }

  if (target.origin !== base.origin) return undefined;
  if (target.username !== "" || target.password !== "") return undefined;
  // Dot segments can collapse into "//host" ("/.//evil.com"); such a path is never meant.
  if (startsLikeAuthority(target.pathname)) return undefined;
  // Encoded tricks ("/%2F%2Fevil.com", "/%5Cevil.com", "/%09/evil.com") are harmless to a browser
  // but not to a proxy or framework that decodes the path before redirecting: refuse them.
  const decodedPath = decodeFully(target.pathname);
  if (decodedPath === undefined || CONTROL_CHARACTERS.test(decodedPath)) return undefined;
  if (startsLikeAuthority(decodedPath) || decodedPath.includes("\\")) return undefined;
  return target.href;
}
