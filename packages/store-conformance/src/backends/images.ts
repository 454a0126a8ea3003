/**
 * The container images every backend runs under Testcontainers. `docker/compose.yml`
 * pins the same tags; a test keeps the two in agreement.
 */
export const backendImages = {
  redis: "redis:7.4.2-alpine",
  postgres: "postgres:17.2-alpine",
  mariadb: "mariadb:11.4.4",
  dynamodb: "amazon/dynamodb-local:3.3.0",
} as const;

/** The name of one pinned image in {@link backendImages}. */
export type BackendImageName = keyof typeof backendImages;
