import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const fixture = fileURLToPath(new URL("./fixture/tsconfig.json", import.meta.url));

/** Type-checks the fixture app as its own program; answers its diagnostics as text. */
function diagnosticsOf(configPath: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  )!;
  const program = ts.createProgram(config.fileNames, config.options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : "";
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("typed claims (module augmentation of SessionUser and SessionData)", () => {
  it("flow into getSession, updateSession, the hooks, useUser and SessionProvider", () => {
    // The fixture fails to compile when a claim has the wrong type (its expectTypeOf lines) or
    // when a wrong use compiles (its expect-error directives).
    expect(diagnosticsOf(fixture)).toEqual([]);
  }, 120_000);
});
