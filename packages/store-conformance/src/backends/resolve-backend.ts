import { BackendError } from "./backend-error.js";
import { detectContainerRuntime, testcontainersImportFailure } from "./container-runtime.js";
import { type BackendImageName, backendImage } from "./images.js";
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
  /** Which pinned image the container runs (overridden by the `image` option or its env var). */
  image?: BackendImageName;
  /** Reads the env var's value (throws if malformed); the server is used as is, never stopped. */
  fromEnv(value: string): EnvBackend<T>;
  fromContainer(testcontainers: Testcontainers, timeout: number, image: string): Promise<T>;
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

/** The longest cause quoted in a message: a runtime's error can carry a whole HTTP body. */
const maxCauseLength = 400;

/** The cause's message on one line: a container runtime's or a server's error often spans many. */
const errorText = (error: unknown) => {
  const text = (error instanceof Error ? error.message : String(error))
    .trim()
    .replace(/\s*\n\s*/g, " | ");
  return text.length > maxCauseLength ? `${text.slice(0, maxCauseLength - 1)}…` : text;
};

/** One source that could not give the backend: not set up (`missing`) or tried and failed. */
interface Attempt {
  source: BackendSource;
  failed: boolean;
  reason: string;
  cause?: unknown;
}

/** Asks one source; `undefined` with a reason when it has nothing to offer. */
async function fromSource<T extends BackendHandle>(
  recipe: BackendRecipe<T>,
  source: BackendSource,
  options: StartBackendOptions,
  timeout: number,
  detect: typeof detectContainerRuntime,
): Promise<{ backend: T } | Attempt> {
  if (source === "env") {
    const value = process.env[recipe.envVar];
    if (!value) return { source, failed: false, reason: `set ${recipe.envVar}` };
    try {
      const { ready, ...details } = recipe.fromEnv(value);
      await waitUntil(ready, { timeout, interval: 200 });
      // The handle plus T's own fields is a T; TypeScript cannot follow Omit<T, …> back.
      return { backend: { ...envHandle(recipe), ...details } as unknown as T };
    } catch (error) {
      const reason = `${recipe.label} from ${recipe.envVar} does not answer: ${errorText(error)}`;
      return { source, failed: true, reason, cause: error };
    }
  }
  if (source === "testcontainers") {
    const testcontainers = await detect();
    if (!testcontainers) {
      const failure = testcontainersImportFailure();
      const reason = failure
        ? `the testcontainers package does not load: ${failure}`
        : "run Docker/Podman with the testcontainers package installed";
      return { source, failed: false, reason };
    }
    const image = recipe.image ? backendImage(recipe.image, options.image) : (options.image ?? "");
    try {
      return { backend: await recipe.fromContainer(testcontainers, timeout, image) };
    } catch (error) {
      const reason = `${recipe.label} container (${image}) did not start: ${errorText(error)}`;
      return { source, failed: true, reason, cause: error };
    }
  }
  const lacking = recipe.localMissing();
  if (lacking) return { source, failed: false, reason: lacking };
  try {
    return { backend: await recipe.fromLocal(timeout) };
  } catch (error) {
    const reason = `local ${recipe.label} did not start: ${errorText(error)}`;
    return { source, failed: true, reason, cause: error };
  }
}

/**
 * Tries each source in order; the first that gives a backend that answers wins.
 * A source that fails (a refused pull, a container or server that exits, a
 * readiness timeout) is reported in one line and the next one is tried; when
 * none gives one, the error lists every source and why.
 */
export async function resolveBackend<T extends BackendHandle>(
  recipe: BackendRecipe<T>,
  options: StartBackendOptions = {},
  detect = detectContainerRuntime,
): Promise<T> {
  const timeout = options.timeout ?? 60_000;
  const sources = configuredSources(options);
  const attempts: Attempt[] = [];
  for (const [index, source] of sources.entries()) {
    const result = await fromSource(recipe, source, options, timeout, detect);
    if ("backend" in result) return result.backend;
    attempts.push(result);
    const next = sources[index + 1];
    if (result.failed && next) {
      const report = options.onSourceFailed ?? console.warn;
      report(`${recipe.label}: source ${source} failed, trying ${next}: ${result.reason}`);
    }
  }
  const failures = attempts.filter((attempt) => attempt.failed);
  // A single failure keeps its own message, which says exactly what went wrong.
  if (failures.length === 1 && attempts.length === 1) {
    throw new BackendError("BACKEND_START_FAILED", failures[0]!.reason, {
      cause: failures[0]!.cause,
    });
  }
  const list = attempts
    .map((attempt) => `${attempt.source}${attempt.failed ? " failed" : ""}: ${attempt.reason}`)
    .join("; ");
  throw new BackendError(
    failures.length ? "BACKEND_START_FAILED" : "BACKEND_NOT_FOUND",
    `no ${recipe.label} for tests: ${list}`,
    failures.length ? { cause: new AggregateError(failures.map((failure) => failure.cause)) } : {},
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
