import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { handler as getActivity } from '../../functions/customers/get-customer-activity.handler';
import { handler as trackActivity } from '../../functions/customers/track-customer-activity.handler';
import type { EventEnvelope } from '../../events/contract';
import { apiEvent, call, customer, lambdaContext, uniqueId } from '../support/api-event';

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
});
