export { BackendError, type BackendErrorCode } from "./backend-error.js";
export { type StartDynamoDbOptions, startDynamoDb } from "./dynamodb.js";
export {
  type BackendImageName,
  backendImage,
  backendImageEnvVars,
  backendImages,
} from "./images.js";
export { type StartMySqlOptions, startMySql } from "./mysql.js";
export { type StartPostgresOptions, startPostgres } from "./postgres.js";
export { type StartRedisOptions, startRedis } from "./redis.js";
export { type StartRedisClusterOptions, startRedisCluster } from "./redis-cluster.js";
export type {
  BackendHandle,
  BackendSource,
  DynamoDbBackend,
  MySqlBackend,
  PostgresBackend,
  RedisBackend,
  RedisClusterBackend,
  StartBackendOptions,
} from "./types.js";
