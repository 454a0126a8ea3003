/** Whether the production build is missing or was made from other inputs. */
export function isBuildStale(): Promise<boolean>;

/** Builds the app if stale; answers whether it built. */
export function buildIfStale(options?: {
  /** Longest the build may take, in milliseconds. @default 600_000 */
  timeoutMs?: number;
  /** Progress messages. @default console.log */
  log?: (message: string) => void;
}): Promise<boolean>;

/** Records the digest of the build's inputs next to the build. */
export function writeBuildStamp(): Promise<void>;
