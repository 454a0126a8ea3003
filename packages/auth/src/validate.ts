// One way to read and check an option of createAuth: every message names the option as
// `name` (ENV_VAR), says what is wrong, and never quotes the value.
import { type Env, envText } from "./env.js";
import { AuthError } from "./errors.js";
import { isLoopbackHost } from "./oidc/loopback.js";
import { parseUrl } from "./oidc/parse-url.js";

/** How a message names an option: `` `name` `` or `` `name` (ENV_VAR) ``. */
export function label(name: string, envName?: string): string {
  return envName === undefined ? `\`${name}\`` : `\`${name}\` (${envName})`;
}

/** `AUTH_CONFIG_INVALID`: `${label} ${problem}`, or a whole sentence when `problem` is left out. */
export function invalid(what: string, problem?: string): AuthError {
  return new AuthError("AUTH_CONFIG_INVALID", problem === undefined ? what : `${what} ${problem}`);
}

/** The option, else its env variable (trimmed, blank as unset). */
export function pick(option: string | undefined, env: Env, envName: string): string | undefined {
  return option !== undefined ? option : envText(env, envName);
}

/** The option or its env variable; missing or empty is an error. */
export function required(
  option: string | undefined,
  env: Env,
  name: string,
  envName: string,
): string {
  const value = pick(option, env, envName);
  if (value === undefined || value === "") throw invalid(label(name, envName), "is required");
  return value;
}

/** An absolute URL, or an error naming `what`. */
export function absoluteUrl(value: string, what: string): URL {
  const url = parseUrl(value);
  if (url === undefined) throw invalid(what, "must be an absolute URL");
  return url;
}

/** `https:`, or plain `http:` on a loopback host only. */
export function checkHttps(url: URL, what: string): void {
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return;
  throw invalid(what, "must use https (http is accepted only on localhost, 127.0.0.1 and ::1)");
}

/** A number option (or env variable): at least `min`, whole when `integer`. */
export function number(
  option: unknown,
  env: Env,
  name: string,
  envName: string | undefined,
  fallback: number,
  { min, integer = false, unit }: { min: number; integer?: boolean; unit?: "seconds" },
): number {
  const what = label(name, envName);
  const kind = unit === undefined ? "a number" : `a number of ${unit}`;
  let value = option;
  if (value === undefined && envName !== undefined) {
    const raw = envText(env, envName);
    if (raw !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(raw)) throw invalid(what, `must be ${kind}`);
      value = Number(raw);
    }
  }
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw invalid(what, `must be ${kind} >= ${min}`);
  }
  if (integer && !Number.isInteger(value)) throw invalid(what, "must be a whole number");
  return value;
}

/** A positive duration in seconds (or >= 0 with `zero`), from the option or its env variable. */
export function seconds(
  option: unknown,
  env: Env,
  name: string,
  envName: string,
  fallback: number,
  zero = false,
): number {
  const value = number(option, env, name, envName, fallback, { min: 0, unit: "seconds" });
  if (!zero && value === 0) throw invalid(label(name, envName), "must be more than 0 seconds");
  return value;
}

/** A boolean option, else its env variable (`true`/`false`/`1`/`0`), else `undefined`. */
export function boolean(
  option: unknown,
  env: Env,
  name: string,
  envName?: string,
): boolean | undefined {
  if (option !== undefined) {
    if (typeof option === "boolean") return option;
    throw invalid(label(name, envName), "must be a boolean");
  }
  const text = envName === undefined ? undefined : envText(env, envName)?.toLowerCase();
  if (text === undefined) return undefined;
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw invalid(label(name, envName), 'must be "true" or "false"');
}

/** One of `allowed`, from the option or its env variable, else `fallback`. */
export function oneOf<T extends string>(
  option: unknown,
  env: Env,
  name: string,
  envName: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = option ?? (envName === undefined ? undefined : envText(env, envName));
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw invalid(
      label(name, envName),
      `must be one of ${allowed.map((v) => `"${v}"`).join(", ")}`,
    );
  }
  return value as T;
}
