/** Whether the production build is missing or older than its inputs. */
export function isBuildStale(): Promise<boolean>;

/** Builds the app if stale; answers whether it built. */
export function buildIfStale(options?: {
  /** Longest the build may take, in milliseconds. @default 600_000 */
  timeoutMs?: number;
  /** Progress messages. @default console.log */
  log?: (message: string) => void;
}): Promise<boolean>;
