import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { EventContract, EventEnvelope } from '../../events/contract';
import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { CustomerAtRisk, WinBackOffered } from '../../events/journey';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { inHoldout } from '../../functions/journey/domain/winback';
import { handler as eraseJourney } from '../../functions/journey/erase-customer.handler';
import { handler as exportJourney } from '../../functions/journey/export-customer.handler';
import { handler as getSettings } from '../../functions/journey/get-settings.handler';
import { handler as journeyEvents } from '../../functions/journey/journey-events.handler';
import { handler as putSettings } from '../../functions/journey/put-settings.handler';
import { handler as winBackEvents } from '../../functions/journey/win-back-events.handler';
import { handler as winBackReport } from '../../functions/journey/win-back-report.handler';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { handler as loyaltyWinBack } from '../../functions/loyalty/win-back-events.handler';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { OUTBOX_ATTRIBUTE, type OutboxRecord } from '../../shared/events/outbox';
import { apiEvent, lambdaContext, marketer, uniqueId } from '../support/api-event';

/**
 * Win-back on DynamoDB Local, through the handlers: the rule saved over the API; CustomerAtRisk decides offer or
 * holdout once under concurrent duplicate deliveries (the offer's WinBackOffered in the outbox, the holdout nothing);
 * the cooldown; loyalty credits the offer once (ledger win-back); a purchase within 30 days counts as a return; the
 * report; the export and erasure. The settings item is the journey table's own: no other suite saves it.
 */
const JOURNEY = process.env.JOURNEY_TABLE_NAME as string;
const client = dynamoDocumentClient();
const loyalty = new LoyaltyRepository(client, process.env.LOYALTY_TABLE_NAME as string);
const HOLDOUT = 50;
const rule = { enabled: true, offer: { kind: 'points' as const, points: 750 }, holdoutPercent: HOLDOUT, cooldownDays: 90, expiryDays: 14 };

function envelope<Data>(contract: EventContract<string, never>, data: Data, eventId: string, occurredAt: string): EventEnvelope {
  return {
    version: '0',
    id: uniqueId('envelope'),
    'detail-type': contract.detailType,
    source: contract.source,
    account: '000000000000',
    time: occurredAt,
    region: 'us-east-1',
    resources: [],
    detail: contract.detail(data as never, { eventId, occurredAt }),
  };
}

const atRisk = (customerId: string, lastPurchaseAt: string, assessedAt: string) =>
  envelope(
    CustomerAtRisk as never,
    { customerId, score: 70, reasons: [{ signal: 'recency', value: 3, points: 60, detail: '90 days since the last purchase, 3× the usual 30-day gap' }], lastPurchaseAt, expectedGapDays: 30, assessedAt },
    `CustomerAtRisk:${customerId}:${lastPurchaseAt}`,
    assessedAt,
  );

const purchase = (customerId: string, occurredAt: string) =>
  envelope(PurchaseRecorded as never, { ...PurchaseRecorded.example, customerId, orderId: uniqueId('order'), occurredAt, recordedAt: occurredAt }, uniqueId('PurchaseRecorded'), occurredAt);

async function call(handler: (event: never, context: never) => Promise<unknown>, event: unknown): Promise<APIGatewayProxyStructuredResultV2> {
  return (await handler(event as never, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
}

async function itemsOf(customerId: string) {
  return (await client.send(new QueryCommand({ TableName: JOURNEY, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` }, ConsistentRead: true }))).Items ?? [];
}

/** Customer ids on either side of the holdout, found by the same hash the rule uses. */
function customerIn(group: 'offered' | 'holdout'): string {
  for (;;) {
    const id = uniqueId(`wb-${group}`);
    if (inHoldout(id, HOLDOUT) === (group === 'holdout')) return id;
  }
}

const report = async () => JSON.parse((await call(winBackReport, apiEvent({ routeKey: 'GET /v1/analytics/win-back', path: '/v1/analytics/win-back', authorizer: marketer() }))).body as string);

describe('win-back', () => {
  beforeAll(async () => {
    const refused = await call(putSettings, apiEvent({ routeKey: 'PUT /v1/journey-settings', path: '/v1/journey-settings', body: { winBack: { ...rule, holdoutPercent: 60 } }, authorizer: marketer() }));
    expect(refused.statusCode).toBe(400);
    expect(refused.headers?.['content-type']).toContain('application/problem+json');
    expect(refused.body).toContain('winBack.holdoutPercent');
    const saved = await call(putSettings, apiEvent({ routeKey: 'PUT /v1/journey-settings', path: '/v1/journey-settings', body: { winBack: rule }, authorizer: marketer() }));
    expect(saved.statusCode).toBe(200);
    const read = await call(getSettings, apiEvent({ routeKey: 'GET /v1/journey-settings', path: '/v1/journey-settings', authorizer: marketer() }));
    expect(JSON.parse(read.body as string)).toMatchObject({ winBack: rule, updatedBy: expect.any(String), version: expect.any(Number) });
  });

  it('offers outside the holdout and records the holdout, once under duplicate deliveries; the cooldown; loyalty credits once; returns and the report', async () => {
    const offered = customerIn('offered');
    const holdout = customerIn('holdout');
    const before = await report();
    const lastPurchaseAt = '2035-01-01T10:00:00.000Z';
    const assessedAt = '2035-04-01T10:00:00.000Z';
    await Promise.all([offered, holdout].flatMap((customerId) => Array.from({ length: 4 }, () => call(winBackEvents, atRisk(customerId, lastPurchaseAt, assessedAt)))));

    const offeredItems = await itemsOf(offered);
    const decision = offeredItems.find((item) => item.sk === 'WINBACK');
    expect(decision).toMatchObject({ group: 'offered', points: 750, atRiskAt: assessedAt, version: 1 });
    const events = offeredItems.filter((item) => String(item.sk).startsWith('WINBACK#')).map((item) => item[OUTBOX_ATTRIBUTE] as OutboxRecord);
    expect(events).toHaveLength(1);
    const offeredEvent = events[0] as OutboxRecord;
    expect(offeredEvent.detailType).toBe('WinBackOffered');
    const data = WinBackOffered.dataSchema.parse((offeredEvent.detail as { data: unknown }).data);
    expect(data).toMatchObject({ customerId: offered, offerId: decision?.offerId, points: 750, score: 70, atRiskAt: assessedAt });
    expect(data.expiresAt).toBeDefined();

    const holdoutItems = await itemsOf(holdout);
    expect(holdoutItems.find((item) => item.sk === 'WINBACK')).toMatchObject({ group: 'holdout', points: 0 });
    expect(holdoutItems.filter((item) => OUTBOX_ATTRIBUTE in item)).toEqual([]);

    // Another lapse within the 90-day cooldown decides nothing.
    await call(winBackEvents, atRisk(offered, '2035-04-20T10:00:00.000Z', '2035-06-01T10:00:00.000Z'));
    expect((await itemsOf(offered)).find((item) => item.sk === 'WINBACK')).toMatchObject({ version: 1, atRiskAt: assessedAt });
    expect((await itemsOf(offered)).filter((item) => String(item.sk).startsWith('WINBACK#'))).toHaveLength(1);

    // Loyalty: five deliveries of the offer, one credit with the ledger reason win-back.
    const delivered = envelope(WinBackOffered as never, data, offeredEvent.eventId, data.offeredAt);
    await Promise.all(Array.from({ length: 5 }, () => call(loyaltyWinBack, delivered)));
    const ledger = await loyalty.ledger(offered, 100);
    expect(ledger.items).toMatchObject([{ type: 'win-back', points: 750, source: { kind: 'win-back', id: data.offerId } }]);
    expect((await loyalty.getAccount(offered)).available).toBe(750);
    expect(await loyalty.getMarker(offered, 'CREDIT', `win-back:${data.offerId}`)).toBeDefined();

    // The offered customer buys 10 days later (twice delivered: counted once); the holdout's purchase comes after 30 days.
    const back = purchase(offered, '2035-04-11T10:00:00.000Z');
    await call(journeyEvents, back);
    await call(journeyEvents, back);
    await call(journeyEvents, purchase(holdout, '2035-05-02T10:00:00.000Z'));
    expect((await itemsOf(offered)).find((item) => item.sk === 'WINBACK')).toMatchObject({ returnedAt: '2035-04-11T10:00:00.000Z' });
    expect((await itemsOf(holdout)).find((item) => item.sk === 'WINBACK')?.returnedAt).toBeUndefined();

    const after = await report();
    expect(after.offered.customers - before.offered.customers).toBe(1);
    expect(after.offered.returnedWithin30Days - before.offered.returnedWithin30Days).toBe(1);
    expect(after.holdout.customers - before.holdout.customers).toBe(1);
    expect(after.holdout.returnedWithin30Days - before.holdout.returnedWithin30Days).toBe(0);
    expect(after.pointsSpent - before.pointsSpent).toBe(750);
    const rate = (returned: number, customers: number) => (customers === 0 ? null : Math.round((returned / customers) * 10_000) / 10_000);
    expect(after.offered.returnRate).toBe(rate(after.offered.returnedWithin30Days, after.offered.customers));
    expect(after.rateDifference).toBe(Math.round(((after.offered.returnRate as number) - (after.holdout.returnRate as number)) * 10_000) / 10_000);

    const csv = await call(winBackReport, apiEvent({ routeKey: 'GET /v1/analytics/win-back', path: '/v1/analytics/win-back', headers: { accept: 'text/csv' }, authorizer: marketer() }));
    expect(csv.headers?.['content-type']).toContain('text/csv');
    expect((csv.body as string).split('\r\n')[1]).toBe(`offered,${after.offered.customers},${after.offered.returnedWithin30Days},${after.offered.returnRate}`);
  });

  it('does nothing while the rule is off', async () => {
    const customerId = customerIn('offered');
    await call(putSettings, apiEvent({ routeKey: 'PUT /v1/journey-settings', path: '/v1/journey-settings', body: { winBack: { ...rule, enabled: false } }, authorizer: marketer() }));
    try {
      await call(winBackEvents, atRisk(customerId, '2035-01-01T10:00:00.000Z', '2035-04-01T10:00:00.000Z'));
      expect(await itemsOf(customerId)).toEqual([]);
    } finally {
      await call(putSettings, apiEvent({ routeKey: 'PUT /v1/journey-settings', path: '/v1/journey-settings', body: { winBack: rule }, authorizer: marketer() }));
    }
  });

  it('exports the decision with the journey and erases it', async () => {
    const customerId = customerIn('holdout');
    await call(journeyEvents, purchase(customerId, '2035-01-01T10:00:00.000Z'));
    await call(winBackEvents, atRisk(customerId, '2035-01-01T10:00:00.000Z', '2035-04-01T10:00:00.000Z'));
    const exported = (await exportJourney({ customerId }, lambdaContext())) as { sections: Record<string, unknown> };
    expect(exported.sections).toMatchObject({ journey: { customerId }, winBack: { customerId, group: 'holdout', atRiskAt: '2035-04-01T10:00:00.000Z' } });
    await eraseJourney(envelope(CustomerErasureRequested as never, { requestId: uniqueId('erasure'), customerId, requestedBy: 'marketer:m1', requestedAt: '2035-04-02T10:00:00.000Z' }, uniqueId('erasure'), '2035-04-02T10:00:00.000Z') as never, lambdaContext());
    expect((await client.send(new GetCommand({ TableName: JOURNEY, Key: { pk: `CUSTOMER#${customerId}`, sk: 'WINBACK' } }))).Item).toBeUndefined();
    expect(((await exportJourney({ customerId }, lambdaContext())) as { sections: Record<string, unknown> }).sections).toEqual({});
  });
});
