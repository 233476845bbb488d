import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { demoFeedbackSettings } from '../../functions/feedback/domain/settings';
import { answerSurvey, askAfterPurchase, askAfterTierUpgrade, askManually, feedbackMetrics, listResponses, saveFeedbackSettings, sendDueSurveys } from '../../functions/feedback/domain/use-cases';
import { InvalidCursorError } from '../../shared/domain/pagination';
import { FeedbackRepository } from '../../functions/feedback/feedback.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { uniqueId } from '../support/api-event';

/**
 * The feedback service on DynamoDB Local, adversarially: concurrent deliveries of one purchase's trigger make one
 * request; concurrent answers to one link record one answer, one set of events and one count; two triggers for one
 * customer racing for the contact budget leave exactly one ask; the send schedule run twice at once sends once; and
 * erasure keeps scores while removing comments. Each concurrent caller gets its own repository (its own caches), as
 * separate Lambda containers would. Days are in 2032 so no other suite's counters mix in.
 */
const TABLE = process.env.FEEDBACK_TABLE_NAME as string;
const client = dynamoDocumentClient();
const container = () => new FeedbackRepository(client, TABLE);
const repo = container();
const t0 = '2032-03-01T10:00:00.000Z';

async function itemsOf(requestId: string) {
  return (await client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `REQUEST#${requestId}` }, ConsistentRead: true }))).Items ?? [];
}

beforeAll(async () => {
  const current = await repo.getSettings();
  if (!current) await saveFeedbackSettings(repo, demoFeedbackSettings('https://api.example.com'), 'test', t0);
});

describe('feedback under concurrency', () => {
  it('makes one request for five concurrent deliveries of one purchase trigger', async () => {
    const customerId = uniqueId('fb-int');
    const purchase = { storeId: 'shop', orderId: uniqueId('order'), customerId, occurredAt: t0 };
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => askAfterPurchase(container(), purchase, t0)));
    expect(outcomes.filter((outcome) => outcome.kind === 'scheduled')).toHaveLength(1);
    expect(outcomes.every((outcome) => ['scheduled', 'exists'].includes(outcome.kind))).toBe(true);
    const budget = await repo.getBudget(customerId);
    const scheduled = outcomes.find((outcome) => outcome.kind === 'scheduled');
    expect(budget?.scheduledRequestId).toBe(scheduled && 'request' in scheduled ? scheduled.request.requestId : undefined);
  });

  it('lets exactly one of two racing asks for one customer through the contact budget', async () => {
    const customerId = uniqueId('fb-race');
    const outcomes = await Promise.all([askManually(container(), { customerId, kind: 'nps', delaySeconds: 0 }, t0), askManually(container(), { customerId, kind: 'csat', delaySeconds: 0 }, t0)]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['requested', 'throttled']);
    expect((await repo.getBudget(customerId))?.lastContactAt).toBe(t0);
  });

  it('records one answer, its events once and one count, however many answers race', async () => {
    const day = '2032-03-02';
    const at = `${day}T09:00:00.000Z`;
    const before = (await repo.metricsDays('nps', day, day))[0]?.responses ?? 0;
    const asked = await askManually(repo, { customerId: uniqueId('fb-answer'), kind: 'nps', delaySeconds: 0 }, at);
    if (asked.kind !== 'requested') throw new Error(asked.kind);
    const token = decodeURIComponent(new URL(asked.link).pathname.slice('/s/'.length));
    const results = await Promise.all([10, 9, 3, 10, 0].map((score) => answerSurvey(container(), { token, score, comment: `score ${score}` }, at)));
    expect(results.filter((result) => result.kind === 'answered')).toHaveLength(1);
    expect(results.filter((result) => result.kind === 'already-answered')).toHaveLength(4);
    const items = await itemsOf(asked.request.requestId);
    const events = items.filter((item) => String(item.sk).startsWith('EVENT#')).map((item) => item.sk);
    const answered = results.find((result) => result.kind === 'answered');
    const category = answered && 'category' in answered ? answered.category : undefined;
    const expected = ['EVENT#SurveyAnswered', 'EVENT#SurveyRequested', ...(category === 'promoter' ? ['EVENT#PromoterIdentified'] : category === 'detractor' ? ['EVENT#DetractorAlert', 'EVENT#DetractorIdentified'] : [])].sort();
    expect(events.sort()).toEqual(expected);
    expect(((await repo.metricsDays('nps', day, day))[0]?.responses ?? 0) - before).toBe(1);
  });

  it('sends a due survey once when the send schedule runs twice at once, and drops one the budget no longer allows', async () => {
    const sendAt = '2032-04-10T10:00:00.000Z';
    const customerId = uniqueId('fb-send');
    const scheduled = await askManually(repo, { customerId, kind: 'nps', delaySeconds: 3600 }, '2032-04-10T08:00:00.000Z');
    expect(scheduled.kind).toBe('scheduled');
    const [first, second] = await Promise.all([sendDueSurveys(container(), sendAt), sendDueSurveys(container(), sendAt)]);
    expect(first.changed + second.changed).toBeGreaterThanOrEqual(1);
    const request = await repo.getRequest(scheduled.kind === 'scheduled' ? scheduled.request.requestId : '');
    expect(request).toMatchObject({ status: 'requested', requestedAt: sendAt });
    const events = (await itemsOf(request?.requestId as string)).filter((item) => item.sk === 'EVENT#SurveyRequested');
    expect(events).toHaveLength(1);
    // The link the API answered with when it was scheduled is the one announced, with the same expiry.
    expect((events[0]?.outbox as { detail: { data: { link: string; expiresAt: string } } }).detail.data).toMatchObject({
      link: scheduled.kind === 'scheduled' ? scheduled.link : '',
      expiresAt: scheduled.kind === 'scheduled' ? scheduled.request.expiresAt : '',
    });
    expect((await repo.getBudget(customerId))).toMatchObject({ lastContactAt: sendAt });
    expect((await repo.getBudget(customerId))?.scheduledRequestId).toBeUndefined();
  });

  it('asks at once after a tier upgrade (once per TierChanged, however often delivered), never after a downgrade', async () => {
    const at = '2032-06-01T10:00:00.000Z';
    const up = { eventId: uniqueId('tier-event'), customerId: uniqueId('fb-tier'), to: 'Silver', direction: 'up' as const };
    const outcomes = await Promise.all(Array.from({ length: 3 }, () => askAfterTierUpgrade(container(), up, at)));
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['exists', 'exists', 'requested']);
    const sent = outcomes.find((outcome) => outcome.kind === 'requested');
    expect(sent && 'request' in sent ? sent.request : undefined).toMatchObject({ status: 'requested', trigger: 'tier_upgrade', kind: 'nps', properties: { tier: 'Silver' } });
    const down = { eventId: uniqueId('tier-event'), customerId: uniqueId('fb-tier'), to: 'Bronze', direction: 'down' as const };
    expect(await askAfterTierUpgrade(repo, down, at)).toEqual({ kind: 'off' });
    expect(await repo.getBudget(down.customerId)).toBeUndefined();
  });

  it('answers CSAT on 1-5, counts satisfied (4-5) and unsatisfied, and reports the CSAT share', async () => {
    const day = '2032-06-05';
    const at = `${day}T10:00:00.000Z`;
    const before = await feedbackMetrics(repo, { kind: 'csat', from: day, to: day });
    for (const score of [5, 4, 2]) {
      const asked = await askManually(repo, { customerId: uniqueId('fb-csat'), kind: 'csat', delaySeconds: 0 }, at);
      if (asked.kind !== 'requested') throw new Error(asked.kind);
      const token = decodeURIComponent(new URL(asked.link).pathname.slice('/s/'.length));
      expect(await answerSurvey(repo, { token, score: 6 }, at)).toEqual({ kind: 'invalid-score', min: 1, max: 5 });
      expect(await answerSurvey(repo, { token, score }, at)).toMatchObject({ kind: 'answered', category: score >= 4 ? 'satisfied' : 'unsatisfied' });
    }
    const after = await feedbackMetrics(repo, { kind: 'csat', from: day, to: day });
    expect([after.satisfied - before.satisfied, after.unsatisfied - before.unsatisfied, after.responses - before.responses]).toEqual([2, 1, 3]);
    if (before.responses === 0) expect(after.csat).toBe(67);
  });

  it('erases comments and emails but keeps scores and counters, confirming once when run twice', async () => {
    const customerId = uniqueId('fb-erase');
    const at = '2032-05-01T10:00:00.000Z';
    const asked = await askManually(repo, { customerId, email: 'someone@example.com', kind: 'nps', delaySeconds: 0 }, at);
    if (asked.kind !== 'requested') throw new Error(asked.kind);
    const token = decodeURIComponent(new URL(asked.link).pathname.slice('/s/'.length));
    await answerSurvey(repo, { token, score: 2, comment: 'My name is Jo and it broke' }, at);
    const request = uniqueId('erasure');
    await repo.eraseCustomer(request, customerId, at);
    await repo.eraseCustomer(request, customerId, at);
    const stored = await repo.getRequest(asked.request.requestId);
    expect(stored?.answer).toMatchObject({ score: 2, category: 'detractor', comment: '[erased]' });
    expect(stored?.email).toBeUndefined();
    const text = JSON.stringify(await itemsOf(asked.request.requestId));
    expect(text).not.toContain('someone@example.com');
    expect(text).not.toContain('Jo and it broke');
    const confirmations = (await client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ERASURE#${request}` } }))).Items ?? [];
    expect(confirmations).toHaveLength(1);
  });
});

describe('the answers listing (GET /v1/feedback/responses)', () => {
  // A day of its own (a random one in 2040-2089), so no other suite's or run's answers fall in the range.
  const day = `20${40 + Math.floor(Math.random() * 50)}-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 10)}`;
  const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
  const scores = [10, 8, 2, 0, 9];
  const customers = scores.map(() => uniqueId('fb-list'));

  beforeAll(async () => {
    for (const [index, score] of scores.entries()) {
      const at = `${day}T09:0${index}:00.000Z`;
      const asked = await askManually(repo, { customerId: customers[index] as string, kind: 'nps', delaySeconds: 0 }, at);
      if (asked.kind !== 'requested') throw new Error(asked.kind);
      const token = decodeURIComponent(new URL(asked.link).pathname.slice('/s/'.length));
      expect(await answerSurvey(repo, { token, score, ...(score <= 6 ? { comment: `comment ${index}` } : {}) }, at)).toMatchObject({ kind: 'answered' });
    }
  });

  async function allPages(query: Omit<Parameters<typeof listResponses>[1], 'cursor'>) {
    const items: { customerId: string; score: number; category: string; comment?: string; answeredAt: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const listed = await listResponses(repo, { ...query, ...(cursor ? { cursor } : {}) });
      if (listed.kind !== 'listed') throw new Error(listed.detail);
      expect(listed.items.length).toBeLessThanOrEqual(query.limit);
      items.push(...listed.items);
      cursor = listed.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }

  it("lists a day's answers newest first across customers, page by page, with their comments", async () => {
    const { items, pages } = await allPages({ kind: 'nps', from: day, to: day, limit: 2 });
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(items.map((item) => [item.customerId, item.score])).toEqual([...customers.map((customerId, index) => [customerId, scores[index]])].reverse());
    expect(items.find((item) => item.customerId === customers[2])).toMatchObject({ category: 'detractor', comment: 'comment 2', answeredAt: `${day}T09:02:00.000Z`, trigger: 'manual' });
    // Outside the range: none of them.
    expect((await allPages({ kind: 'nps', from: next, to: next, limit: 100 })).items.filter((item) => customers.includes(item.customerId))).toEqual([]);
  });

  it('lists one category (the detractors to follow up) from its own partition of the index', async () => {
    const { items } = await allPages({ kind: 'nps', category: 'detractor', from: day, to: day, limit: 100 });
    expect(items.map((item) => [item.customerId, item.score, item.comment])).toEqual([
      [customers[3], 0, 'comment 3'],
      [customers[2], 2, 'comment 2'],
    ]);
    expect((await allPages({ kind: 'nps', category: 'promoter', from: day, to: day, limit: 100 })).items.map((item) => item.customerId)).toEqual([customers[4], customers[0]]);
  });

  it("refuses a category of another kind, a range that ends before it starts, and another listing's cursor", async () => {
    expect(await listResponses(repo, { kind: 'csat', category: 'detractor', limit: 10 })).toMatchObject({ kind: 'invalid', pointer: '/query/category' });
    expect(await listResponses(repo, { kind: 'nps', from: next, to: day, limit: 10 })).toMatchObject({ kind: 'invalid', pointer: '/query/to' });
    const first = await listResponses(repo, { kind: 'nps', from: day, to: day, limit: 1 });
    if (first.kind !== 'listed' || !first.nextCursor) throw new Error('expected a next page');
    await expect(listResponses(repo, { kind: 'nps', category: 'detractor', limit: 1, cursor: first.nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(listResponses(repo, { kind: 'nps', from: next, to: next, limit: 1, cursor: first.nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it("shows an erased customer's comment as erased in both partitions", async () => {
    await repo.eraseCustomer(uniqueId('erasure'), customers[3] as string, `${day}T12:00:00.000Z`);
    for (const category of [undefined, 'detractor'] as const) {
      const { items } = await allPages({ kind: 'nps', ...(category ? { category } : {}), from: day, to: day, limit: 100 });
      expect(items.find((item) => item.customerId === customers[3])).toMatchObject({ score: 0, comment: '[erased]' });
    }
  });
});
