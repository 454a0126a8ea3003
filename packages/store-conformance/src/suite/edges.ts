/**
 * Identifiers at their edges: strings that a store which folds case, trims, normalizes Unicode,
 * joins parts with a separator or truncates would confuse with one another. Every one is
 * distinct from every other, and every store must keep them apart.
 */
export function lookalikes(root: string): string[] {
  const long = `${root}-${"x".repeat(255)}`.slice(0, 254);
  return [
    `${root}-caf\u00e9`, // NFC
    `${root}-cafe\u0301`, // NFD: the same text to a reader, other code points
    `${root}-case`,
    `${root}-Case`,
    `${root}-CASE`,
    `${root}-pad`,
    `${root}-pad `, // trailing space (a PAD SPACE collation ignores it)
    ` ${root}-pad`,
    `${root}:a|b`,
    `${root}:a`,
    `${root}|a`,
    `${root}{}`,
    `${root}{"a":1}`,
    `${long}y`, // 255 characters
    `${long}z`, // 255 characters, differing only in the last
  ];
}

/** How an identifier looks in a failure message: quoted, escaped, shortened. */
export const shown = (value: string) => {
  const json = JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return json.length > 60
    ? `${json.slice(0, 28)}…${json.slice(-28)} (${value.length} chars)`
    : json;
};

/**
 * Every JSON value a store might mangle, keyed by what it is: empty, null, zero, negative zero
 * (JSON has no -0: it comes back as 0, as from any JSON round trip), numbers at the edges of a
 * double, deep nesting, a long key.
 */
export function jsonEdgeValues(): Record<string, unknown> {
  let deep: unknown = "bottom";
  for (let depth = 0; depth < 64; depth++)
    deep = depth % 2 ? [deep, null] : { [`d${depth}`]: deep };
  return {
    null: null,
    emptyString: "",
    emptyObject: {},
    emptyArray: [],
    zero: 0,
    negativeZero: -0,
    false: false,
    maxSafeInteger: Number.MAX_SAFE_INTEGER,
    minSafeInteger: Number.MIN_SAFE_INTEGER,
    beyondSafeInteger: 2 ** 53 + 2,
    twentyDigits: 12345678901234567000,
    huge: 1e300,
    tiny: 5e-324,
    fraction: 0.1 + 0.2,
    deep,
    [`long-key-${"k".repeat(1000)}`]: "a 1,010-character key",
  };
}
