/** `new URL(value, base)`, or `undefined` when it does not parse (`URL.canParse` is not everywhere yet). */
export function parseUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}
