import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { TableDeclaration } from '../topology-types';

/**
 * Creates tables from their topology declarations (local runtime and integration tests), so no test or
 * local setup ever re-declares a table schema by hand. Existing tables are left as they are.
 */
export async function ensureTables(client: DynamoDBClient, tables: Record<string, { physicalName: string; declaration: TableDeclaration }>) {
  // All at once: DynamoDB Local creates tables independently, and one after the other took ~2 s of every start.
  await Promise.all(
    Object.values(tables).map(async ({ physicalName, declaration }) => {
      if (await tableExists(client, physicalName)) return;
      await client.send(new CreateTableCommand(createTableInput(physicalName, declaration)));
      if (declaration.timeToLiveAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: physicalName,
            TimeToLiveSpecification: { AttributeName: declaration.timeToLiveAttribute, Enabled: true },
          }),
        );
      }
    }),
  );
}

export function createTableInput(physicalName: string, declaration: TableDeclaration): CreateTableCommandInput {
  const attributes = new Map<string, AttributeDefinition>();
  const addAttribute = (key: { name: string; type: 'S' | 'N' }) => attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  addAttribute(declaration.partitionKey);
  if (declaration.sortKey) addAttribute(declaration.sortKey);
  for (const index of declaration.indexes ?? []) {
    addAttribute(index.partitionKey);
    if (index.sortKey) addAttribute(index.sortKey);
  }
  return {
    TableName: physicalName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()],
    KeySchema: [
      { AttributeName: declaration.partitionKey.name, KeyType: 'HASH' },
      ...(declaration.sortKey ? [{ AttributeName: declaration.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(declaration.indexes?.length
      ? {
          GlobalSecondaryIndexes: declaration.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection:
              index.projection === 'keys'
                ? { ProjectionType: 'KEYS_ONLY' as const }
                : index.projection
                  ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projection.include] }
                  : { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
    ...(declaration.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const } } : {}),
  };
}

async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
