export { type CreateSessionTableOptions, createSessionTable } from "./create-session-table.js";
export { type DynamoDbSessionStore, dynamoDbStore } from "./dynamodb-store.js";
export type { DynamoDbStoreOptions } from "./store-options.js";
