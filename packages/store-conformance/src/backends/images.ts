/**
 * The official images every backend runs under Testcontainers by default.
 * `docker/compose.yml` pins the same tags behind the same env vars; a test keeps
 * the two in agreement.
 */
export const backendImages = {
  redis: "redis:7.4.2-alpine",
  postgres: "postgres:17.2-alpine",
  mariadb: "mariadb:11.4.4",
  dynamodb: "amazon/dynamodb-local:3.3.0",
} as const;

/** The name of one pinned image in {@link backendImages}. */
export type BackendImageName = keyof typeof backendImages;

/**
 * The env var that replaces each pinned image (a private mirror, or the images
 * `docker/images/build.sh` builds from Debian packages where no registry is reachable).
 */
export const backendImageEnvVars = {
  redis: "SESSIONKIT_REDIS_IMAGE",
  postgres: "SESSIONKIT_POSTGRES_IMAGE",
  mariadb: "SESSIONKIT_MARIADB_IMAGE",
  dynamodb: "SESSIONKIT_DYNAMODB_IMAGE",
} as const satisfies Record<BackendImageName, string>;

/** The image to run: the `image` option, else its env var, else the pinned official tag. */
export function backendImage(name: BackendImageName, option?: string): string {
  return option || process.env[backendImageEnvVars[name]] || backendImages[name];
}
