import { PutCommand, type DynamoDBDocumentClient, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite, type TransactItem } from './transactions';

/**
 * Idempotency markers, one way for every service: an item whose existence says "this request (event, delivery,
 * key) was handled". Written only if absent — inside the transaction of the effect it guards, or on its own — and
 * optionally expiring once no redelivery can come.
 */
export interface Marker {
  readonly tableName: string;
  readonly pk: string;
  readonly sk: string;
  /** What a replay needs to answer as the original did. */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /** Epoch seconds after which the table's TTL may remove it. */
  readonly expiresAt?: number;
}

function markerPut(marker: Marker) {
  return {
    TableName: marker.tableName,
    Item: { ...marker.attributes, pk: marker.pk, sk: marker.sk, ...(marker.expiresAt === undefined ? {} : { expiresAt: marker.expiresAt }) },
    ConditionExpression: 'attribute_not_exists(pk)',
  } satisfies PutCommandInput;
}

/** The marker as a transaction item: the transaction fails its condition if the marker exists. */
export function markerItem(marker: Marker): TransactItem {
  return { Put: markerPut(marker) };
}

/** Writes the marker unless it exists: `'new'` the first time, `'exists'` ever after. */
export async function putMarkerOnce(client: DynamoDBDocumentClient, marker: Marker): Promise<'new' | 'exists'> {
  const outcome = await conditionalWrite(() => client.send(new PutCommand(markerPut(marker))));
  return outcome === 'done' ? 'new' : 'exists';
}

/** Epoch seconds `retentionSeconds` after `at`. */
export function expiryAfter(at: Date, retentionSeconds: number): number {
  return Math.floor(at.getTime() / 1000) + retentionSeconds;
}
