import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { handler as getActivity } from '../../functions/customers/get-customer-activity.handler';
import { handler as trackActivity } from '../../functions/customers/track-customer-activity.handler';
import type { EventEnvelope } from '../../events/contract';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CAPACITY } from '../../functions/customers/domain/applied-events';
import { apiEvent, call, customer, lambdaContext, uniqueId } from '../support/api-event';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT }));
const customersTable = () => process.env.CUSTOMERS_TABLE_NAME as string;

function envelope(contract: typeof PurchaseRecorded | typeof PurchaseRefunded, data: Record<string, unknown>, eventId: string): EventEnvelope {
  return {
    version: '0',
    id: uniqueId('envelope'),
    'detail-type': contract.detailType,
    source: contract.source,
    account: '000000000000',
    time: '2026-11-22T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: contract.detail(data as never, { eventId, occurredAt: '2026-11-22T10:00:00.000Z' }),
  };
}

const activityOf = async (customerId: string) =>
  (
    await call(
      getActivity,
      apiEvent({ routeKey: 'GET /v1/customers/{customerId}/activity', path: `/v1/customers/${customerId}/activity`, pathParameters: { customerId }, authorizer: customer(customerId) }),
    )
  ).body;

describe('customer activity consumer on DynamoDB Local', () => {
  it('applies the same PurchaseRecorded delivered 5 times concurrently exactly once', async () => {
    const customerId = uniqueId('cust');
    const event = envelope(PurchaseRecorded, { ...PurchaseRecorded.example, customerId, amountMinor: 2500 }, `purchase-recorded:s:${customerId}`);
    await Promise.all(Array.from({ length: 5 }, () => trackActivity(event, lambdaContext())));
    expect(await activityOf(customerId)).toMatchObject({ orderCount: 1, spend: [expect.objectContaining({ currency: 'USD', spentMinor: 2500 })] });
  });

  it('applies distinct events arriving concurrently once each', async () => {
    const customerId = uniqueId('cust');
    const events = Array.from({ length: 8 }, (_, index) =>
      envelope(PurchaseRecorded, { ...PurchaseRecorded.example, customerId, orderId: `o-${index}`, amountMinor: 100 }, `purchase-recorded:s:o-${index}:${customerId}`),
    );
    const refund = envelope(PurchaseRefunded, { ...PurchaseRefunded.example, customerId, amountMinor: 50, currency: 'USD' }, `purchase-refunded:s:o-0:r:${customerId}`);
    await Promise.all([...events, refund, refund].map((event) => trackActivity(event, lambdaContext())));
    expect(await activityOf(customerId)).toMatchObject({ orderCount: 8, refundCount: 1, spend: [expect.objectContaining({ spentMinor: 800, refundedMinor: 50, netMinor: 750 })] });
  });

  it('rejects an event that breaks its contract, so it goes to the dead-letter queue', async () => {
    const bad = envelope(PurchaseRecorded, PurchaseRecorded.example, 'e');
    (bad.detail as { data: Record<string, unknown> }).data.amountMinor = 'lots';
    await expect(trackActivity(bad, lambdaContext())).rejects.toThrow(/Invalid PurchaseRecorded detail/);
  });

  it('shows an unknown customer as an empty summary', async () => {
    expect(await activityOf(uniqueId('nobody'))).toMatchObject({ orderCount: 0, spend: [] });
  });

  // Issue 9.2: one conditional write per event; the event ids live in the activity item.
  it('keeps the applied event ids in the activity item and writes no marker item', async () => {
    const customerId = uniqueId('cust');
    const eventId = `purchase-recorded:s:${customerId}`;
    await trackActivity(envelope(PurchaseRecorded, { ...PurchaseRecorded.example, customerId }, eventId), lambdaContext());
    const item = await documents.send(new GetCommand({ TableName: customersTable(), Key: { pk: `CUSTOMER#${customerId}`, sk: 'ACTIVITY' } }));
    expect(Object.keys((item.Item?.appliedEvents as { recent: object }).recent)).toEqual([eventId]);
    const marker = await documents.send(new GetCommand({ TableName: customersTable(), Key: { pk: `CUSTOMER#${customerId}`, sk: `APPLIED#${eventId}` } }));
    expect(marker.Item).toBeUndefined();
  });

  it('past the capacity of the set, records events as markers and still applies each exactly once (duplicates concurrent)', async () => {
    const customerId = uniqueId('cust');
    const events = Array.from({ length: CAPACITY + 5 }, (_, index) =>
      envelope(PurchaseRecorded, { ...PurchaseRecorded.example, customerId, orderId: `o-${index}`, amountMinor: 1 }, `purchase-recorded:s:o-${index}:${customerId}`),
    );
    for (const event of events) await trackActivity(event, lambdaContext());
    // Every event again, twice, concurrently: the early ones are refused by the set, the late ones by their markers.
    await Promise.all([...events, ...events].map((event) => trackActivity(event, lambdaContext())));
    expect(await activityOf(customerId)).toMatchObject({ orderCount: CAPACITY + 5, spend: [expect.objectContaining({ spentMinor: CAPACITY + 5 })] });
  });

  it('refuses an event applied before the ids were kept in the item (its marker is still consulted)', async () => {
    const customerId = uniqueId('cust');
    const eventId = `purchase-recorded:s:legacy:${customerId}`;
    const now = new Date().toISOString();
    // As the previous release stored them: the summary without ids, and a marker per applied event.
    await documents.send(
      new PutCommand({
        TableName: customersTable(),
        Item: { pk: `CUSTOMER#${customerId}`, sk: 'ACTIVITY', version: 1, updatedAt: now, activity: { customerId, orderCount: 1, refundCount: 0, spentMinor: { USD: '700' }, refundedMinor: {} } },
      }),
    );
    await documents.send(new PutCommand({ TableName: customersTable(), Item: { pk: `CUSTOMER#${customerId}`, sk: `APPLIED#${eventId}`, appliedAt: now } }));
    await trackActivity(envelope(PurchaseRecorded, { ...PurchaseRecorded.example, customerId, amountMinor: 700 }, eventId), lambdaContext());
    await trackActivity(envelope(PurchaseRecorded, { ...PurchaseRecorded.example, customerId, orderId: 'new', amountMinor: 5 }, `${eventId}:new`), lambdaContext());
    expect(await activityOf(customerId)).toMatchObject({ orderCount: 2, spend: [expect.objectContaining({ spentMinor: 705 })] });
  });
});
