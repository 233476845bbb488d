import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients are module singletons, created lazily so a function only builds the clients it uses.
 * DYNAMODB_ENDPOINT / EVENTBRIDGE_ENDPOINT are set only by the local runtime and tests; on Lambda the
 * SDK resolves the regional endpoints itself.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT || undefined, maxAttempts: 5 }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );
  return documentClient;
}

export function eventBridge(): EventBridgeClient {
  eventBridgeClient ??= new EventBridgeClient({ endpoint: process.env.EVENTBRIDGE_ENDPOINT || undefined, maxAttempts: 5 });
  return eventBridgeClient;
}
