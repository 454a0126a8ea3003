/** What the test takes from docs/getting-started.md, so the guide cannot drift from what it proves. */
export interface Guide {
  /** Fenced ts/tsx blocks whose first line is a `// path` comment: the first block of each path. */
  files: Map<string, string>;
  /** The `.env.local` block's lines, as `KEY=value`. */
  env: Map<string, string>;
  /** The dev provider's one-liner, as arguments of `npx`. */
  devProvider: string[];
  /** Every `npm install …` line of the guide. */
  installs: string[];
}

export function readGuide(markdown: string): Guide {
  const files = new Map<string, string>();
  for (const match of markdown.matchAll(/^```tsx?\n([\s\S]*?)^```$/gm)) {
    const code = match[1] ?? "";
    const header = /^\/\/ ([\w./@-]+\.tsx?)( \(with Redis\))?\n/.exec(code);
    if (!header) continue;
    const key = `${header[1]}${header[2] ?? ""}`;
    if (!files.has(key)) files.set(key, code);
  }
  const env = new Map<string, string>();
  for (const match of markdown.matchAll(/^```ini\n([\s\S]*?)^```$/gm)) {
    for (const line of (match[1] ?? "").split("\n")) {
      const pair = /^([A-Z_]+)=(.*)$/.exec(line);
      if (pair) env.set(pair[1]!, pair[2]!);
    }
  }
  const shell = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) =>
    (m[1] ?? "").replace(/\\\n\s*/g, ""),
  );
  const line = shell
    .flatMap((block) => block.split("\n"))
    .find((l) => l.startsWith("npx ") && l.includes("sessionkit-dev-provider"));
  const installs = shell
    .flatMap((block) => block.split("\n"))
    .filter((l) => l.startsWith("npm install "));
  return {
    files,
    env,
    devProvider: line ? line.trim().split(/\s+/).slice(1) : [],
    installs,
  };
}
