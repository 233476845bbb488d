import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../shared/aws/clients';

/** Every item of a table (test-only Scan), to prove a rejected request changed nothing. */
export async function tableItems(tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: exclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return items;
}
