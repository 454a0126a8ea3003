import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const optionsFile = fileURLToPath(new URL("../src/options.ts", import.meta.url));
const docs = readFileSync(
  fileURLToPath(new URL("../../../docs/configuration.md", import.meta.url)),
  "utf8",
);

interface DocumentedOption {
  key: string;
  doc: string;
  env: string | undefined;
  hasDefault: boolean;
}

/** Every property of `AuthOptions` (inherited ones too), and of its `cookie` and `routes`, with JSDoc. */
function optionsOfAuthOptions(): DocumentedOption[] {
  const program = ts.createProgram([optionsFile], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(optionsFile)!;
  const declaration = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === "AuthOptions",
  )!;
  const out: DocumentedOption[] = [];
  const visit = (type: ts.Type, prefix: string) => {
    for (const symbol of checker.getPropertiesOfType(type)) {
      const key = prefix + symbol.name;
      const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker));
      const tags = symbol.getJsDocTags(checker);
      const env = /Env:? `([A-Z_]+)`/.exec(doc)?.[1];
      out.push({ key, doc, env, hasDefault: tags.some((tag) => tag.name === "default") });
      if (prefix === "" && (symbol.name === "cookie" || symbol.name === "routes")) {
        const propertyType = checker.getNonNullableType(
          checker.getTypeOfSymbolAtLocation(symbol, declaration),
        );
        visit(propertyType, `${symbol.name}.`);
      }
    }
  };
  visit(checker.getTypeAtLocation(declaration), "");
  return out;
}

describe("docs/configuration.md", () => {
  const options = optionsOfAuthOptions();

  it("finds the options (the check itself works)", () => {
    const keys = options.map((option) => option.key);
    expect(keys).toContain("secret");
    expect(keys).toContain("refreshBuffer"); // inherited from OidcOptions
    expect(keys).toContain("cookie.sameSite");
    expect(keys).toContain("routes.backchannelLogout");
    expect(keys.length).toBeGreaterThan(40);
  });

  it("has a row for every option, with its env var when it has one", () => {
    const rows = new Map<string, string>();
    for (const line of docs.split("\n")) {
      const key = /^\| `([A-Za-z.]+)` /.exec(line)?.[1];
      if (key !== undefined) rows.set(key, line);
    }
    for (const option of options) {
      const row = rows.get(option.key);
      expect(row, `docs/configuration.md has no row for \`${option.key}\``).toBeDefined();
      if (option.env !== undefined) {
        expect(row, `the row of ${option.key} must name ${option.env}`).toContain(
          `\`${option.env}\``,
        );
      }
    }
    // And no row for an option that does not exist.
    const known = new Set(options.map((option) => option.key));
    const extra = [...rows.keys()].filter((key) => key.includes(".") || /^[a-z]/.test(key));
    expect(extra.filter((key) => !known.has(key))).toEqual([]);
  });

  it("every option has a one-line JSDoc with a @default", () => {
    for (const option of options) {
      expect(option.doc, option.key).not.toBe("");
      expect(option.hasDefault, `${option.key} has no @default`).toBe(true);
    }
  });
});
