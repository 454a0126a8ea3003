/**
 * The files docs/writing-a-store.md shows: every fenced `ts` block whose first line is a
 * `// path` comment, by that path, and the example map store (which the self-test runs as
 * `test/self-test/map-store.ts`) as `src/map-store.ts`. The packed test writes exactly these,
 * so the docs cannot drift from what it proves.
 */
export function docFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const code = match[1] ?? "";
    const path = /^\/\/ ((?:src|test)\/[\w./-]+\.ts)\n/.exec(code)?.[1];
    if (path) files.set(path, code);
    else if (code.includes("export function mapStore(")) files.set("src/map-store.ts", code);
  }
  return files;
}
