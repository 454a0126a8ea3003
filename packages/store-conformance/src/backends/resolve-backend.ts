import { BackendError } from "./backend-error.js";
import { detectContainerRuntime } from "./container-runtime.js";
import type { BackendHandle, BackendSource, StartBackendOptions } from "./types.js";
import { waitUntil } from "./wait-until.js";

type Testcontainers = NonNullable<Awaited<ReturnType<typeof detectContainerRuntime>>>;

/** What a backend named by its env var adds to the handle, and how to tell that it answers. */
export type EnvBackend<T extends BackendHandle> = Omit<T, keyof BackendHandle> & {
  ready(): Promise<boolean>;
};

/** How one kind of backend is found from each source. */
export interface BackendRecipe<T extends BackendHandle> {
  /** "Redis", "PostgreSQL"…, for messages. */
  label: string;
  /** The env var naming an existing server. */
  envVar: string;
  /** Reads the env var's value (throws if malformed); the server is used as is, never stopped. */
  fromEnv(value: string): EnvBackend<T>;
  fromContainer(testcontainers: Testcontainers, timeout: number): Promise<T>;
  /** What is missing to start a local server (one phrase), or `undefined` when it can. */
  localMissing(): string | undefined;
  fromLocal(timeout: number): Promise<T>;
}

const allSources: BackendSource[] = ["env", "testcontainers", "local"];

/** The sources to try, in order; a typo or an empty list is named, not silently tried as nothing. */
function configuredSources(options: StartBackendOptions): BackendSource[] {
  const fromEnv = process.env.SESSIONKIT_BACKEND_SOURCES;
  if (options.sources === undefined && !fromEnv) return allSources;
  const where = options.sources === undefined ? "SESSIONKIT_BACKEND_SOURCES" : "`sources`";
  const sources: unknown[] =
    options.sources === undefined
      ? fromEnv!.split(",").map((source) => source.trim())
      : Array.isArray(options.sources)
        ? options.sources
        : [options.sources];
  const unknown = sources.find((source) => !allSources.includes(source as BackendSource));
  if (sources.length === 0 || unknown !== undefined) {
    const problem = sources.length === 0 ? "no source" : `unknown source "${String(unknown)}"`;
    throw new BackendError(
      "BACKEND_NOT_FOUND",
      `${where}: ${problem} (use env, testcontainers, local)`,
    );
  }
  return sources as BackendSource[];
}

/** The cause's message on one line: a container runtime's or a server's error often spans many. */
const errorText = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).trim().replace(/\s*\n\s*/g, " | ");

/** Tries each source in order; the first that has the backend wins. */
export async function resolveBackend<T extends BackendHandle>(
  recipe: BackendRecipe<T>,
  options: StartBackendOptions = {},
): Promise<T> {
  const timeout = options.timeout ?? 60_000;
  const sources = configuredSources(options);
  const missing: string[] = [];
  for (const source of sources) {
    if (source === "env") {
      const value = process.env[recipe.envVar];
      if (!value) {
        missing.push(`set ${recipe.envVar}`);
        continue;
      }
      // An explicit URL is what the user wants: failing it is an error, not a reason to look elsewhere.
      try {
        const { ready, ...details } = recipe.fromEnv(value);
        await waitUntil(ready, { timeout, interval: 200 });
        // The handle plus T's own fields is a T; TypeScript cannot follow Omit<T, …> back.
        return { ...envHandle(recipe), ...details } as unknown as T;
      } catch (error) {
        throw new BackendError(
          "BACKEND_START_FAILED",
          `${recipe.label} from ${recipe.envVar} does not answer: ${errorText(error)}`,
          { cause: error },
        );
      }
    }
    if (source === "testcontainers") {
      const testcontainers = await detectContainerRuntime();
      if (!testcontainers) {
        missing.push("run Docker/Podman with the testcontainers package installed");
        continue;
      }
      try {
        return await recipe.fromContainer(testcontainers, timeout);
      } catch (error) {
        throw new BackendError(
          "BACKEND_START_FAILED",
          `${recipe.label} container did not start: ${errorText(error)}`,
          { cause: error },
        );
      }
    }
    if (source === "local") {
      const lacking = recipe.localMissing();
      if (lacking) {
        missing.push(lacking);
        continue;
      }
      try {
        return await recipe.fromLocal(timeout);
      } catch (error) {
        throw new BackendError(
          "BACKEND_START_FAILED",
          `local ${recipe.label} did not start: ${errorText(error)}`,
          { cause: error },
        );
      }
    }
  }
  throw new BackendError(
    "BACKEND_NOT_FOUND",
    `no ${recipe.label} for tests: ${missing.join(", or ")}`,
  );
}

/** The handle of a backend named by an env var: used as is, never stopped. */
function envHandle({ label, envVar }: { label: string; envVar: string }): BackendHandle {
  const refuse = async () => {
    throw new BackendError(
      "BACKEND_NOT_RESTARTABLE",
      `${label} from ${envVar} is not ours to stop or start`,
    );
  };
  return { source: "env", canRestart: false, stop: refuse, start: refuse, close: async () => {} };
}
