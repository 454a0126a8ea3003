import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { dynamoDbStore } from "@sessionkit/store-dynamodb";
import type { StoreChoice } from "../session-store";

type Env = Readonly<Record<string, string | undefined>>;

/** Sessions in DynamoDB: `DYNAMODB_ENDPOINT` (DynamoDB Local) or AWS itself, table `SESSION_DYNAMODB_TABLE`. */
export function createDynamoDbStore(env: Env): StoreChoice {
  const endpoint = env.DYNAMODB_ENDPOINT || undefined;
  const region = env.AWS_REGION || "us-east-1";
  const tableName = env.SESSION_DYNAMODB_TABLE || "sessionkit-demo-sessions";
  // The AWS SDK reads credentials from its usual chain (env, profile, role).
  const client = new DynamoDBClient({ region, ...(endpoint ? { endpoint } : {}) });
  return {
    kind: "dynamodb",
    store: dynamoDbStore(client, { tableName }),
    details: { endpoint: endpoint ?? `AWS (${region})`, table: tableName },
  };
}
