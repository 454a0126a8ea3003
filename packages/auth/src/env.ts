/** Environment variables, where `createAuth` reads the defaults of its options. */
export type Env = Readonly<Record<string, string | undefined>>;

/** `process.env` where there is one; the Edge runtime may have none. */
export function processEnv(): Env {
  const proc = (globalThis as { process?: { env?: Env } }).process;
  return proc?.env ?? {};
}

/** The variable's value, trimmed; `undefined` when it is unset or blank. */
export function envText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}
