export { type RedisStoreClient, type RedisStoreOptions, redisStore } from "./redis-store.js";
