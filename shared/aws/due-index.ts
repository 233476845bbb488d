import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The due-time index every service's schedules page through: `gsi1`, partitioned by `DUE#…#<shard>` and sorted by
 * `<due time>#<id>`, projecting keys only (a schedule re-reads each item consistently before changing it).
 */
export const DUE_INDEX = 'gsi1';

/** The index keys of an item due at `dueAt` in `partition` (spread into the item; leave them out when nothing is due). */
export function dueIndexKeys(partition: string, dueAt: string, id: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: partition, gsi1sk: `${dueAt}#${id}` };
}

/** One page of a partition's entries due at or before `now`, as the table keys they stand for. */
export async function dueIndexPage(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  now: string,
  limit: number,
  cursor?: Record<string, unknown>,
): Promise<{ keys: { pk: string; sk: string }[]; cursor?: Record<string, unknown> }> {
  const result = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: DUE_INDEX,
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
      // Every sort key of a time up to `now` sorts below `<now>#\uffff`, whatever id follows it.
      ExpressionAttributeValues: { ':pk': partition, ':now': `${now}#\uffff` },
      Limit: limit,
      ExclusiveStartKey: cursor,
    }),
  );
  const keys = (result.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
  return { keys, ...(result.LastEvaluatedKey ? { cursor: result.LastEvaluatedKey } : {}) };
}
