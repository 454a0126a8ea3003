export {
  type RedisSessionStore,
  type RedisStoreClient,
  type RedisStoreOptions,
  redisStore,
} from "./redis-store.js";
