export { type CreateSessionTableOptions, createSessionTable } from "./create-session-table.js";
export { type DynamoDbStoreOptions, dynamoDbStore } from "./dynamodb-store.js";
