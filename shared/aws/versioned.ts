import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite, transactWrite } from './transactions';

/**
 * Two small storage patterns the services share. A versioned document (a program, settings): every save writes
 * `<pk>/V#<n>` (kept for history) and moves `<pk>/CURRENT` from the version it was read at, so two marketers saving at
 * once cannot overwrite each other. A deployment secret (a hash salt, a token key): created once on first use by a
 * conditional put, then read — every container agrees on the same value.
 */
export async function saveVersionedDocument(
  client: DynamoDBDocumentClient,
  tableName: string,
  document: { readonly pk: string; readonly attribute: string; readonly version: number; readonly value: unknown },
  previousVersion: number,
): Promise<'saved' | 'conflict'> {
  const { pk, attribute, version, value } = document;
  const outcome = await transactWrite(client, [
    { label: 'version', item: { Put: { TableName: tableName, Item: { pk, sk: `V#${String(version).padStart(6, '0')}`, [attribute]: value }, ConditionExpression: 'attribute_not_exists(pk)' } } },
    {
      label: 'current',
      item: {
        Put: {
          TableName: tableName,
          Item: { pk, sk: 'CURRENT', [attribute]: value, version },
          ConditionExpression: previousVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :previous',
          ...(previousVersion === 0 ? {} : { ExpressionAttributeValues: { ':previous': previousVersion } }),
        },
      },
    },
  ]);
  return outcome.kind === 'committed' ? 'saved' : 'conflict';
}

export async function deploymentSecret(client: DynamoDBDocumentClient, tableName: string, key: { readonly pk: string; readonly sk: string }, attribute: string, create: () => string): Promise<string> {
  const read = async () => (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item?.[attribute];
  let value = await read();
  if (typeof value !== 'string') {
    await conditionalWrite(() => client.send(new PutCommand({ TableName: tableName, Item: { ...key, [attribute]: create() }, ConditionExpression: 'attribute_not_exists(pk)' })));
    value = await read();
  }
  if (typeof value !== 'string') throw new Error(`the deployment secret ${key.pk}/${key.sk} could not be read`);
  return value;
}
