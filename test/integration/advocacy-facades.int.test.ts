import { claimContact, customerFeedbackSummary } from '../../functions/feedback/contact-budget.facade';
import { demoFeedbackSettings } from '../../functions/feedback/domain/settings';
import { addDays } from '../../functions/feedback/domain/survey';
import { answerSurvey, askAfterTierUpgrade, askManually, claimContact as claimThrough, saveFeedbackSettings } from '../../functions/feedback/domain/use-cases';
import { FeedbackRepository } from '../../functions/feedback/feedback.repository';
import { DEMO_PROGRAM } from '../../functions/loyalty/domain/program';
import { awardPurchase, saveProgram } from '../../functions/loyalty/domain/use-cases';
import { customerTier } from '../../functions/loyalty/loyalty.reads.facade';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { newPurchase } from '../../functions/purchases/domain/purchase';
import { recordPurchase, refundPurchase } from '../../functions/purchases/domain/use-cases';
import { customerPurchaseSummary } from '../../functions/purchases/purchases.reads.facade';
import { PurchasesRepository } from '../../functions/purchases/purchases.repository';
import type { Referral, ReferralStatus } from '../../functions/referrals/domain/referral';
import { advocateRewardedReferrals } from '../../functions/referrals/referrals.reads.facade';
import { ReferralsRepository } from '../../functions/referrals/referrals.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { uniqueId } from '../support/api-event';

/**
 * The facades the testimonials service calls, on DynamoDB Local, each through its owner's own wiring (the singleton
 * repository a function that `uses` the facade gets from the declaration's table variable): the feedback service's
 * contact budget claimed under concurrency and shared with the surveys both ways, a detractor answer that shuts the
 * door and a promoter answer that a follow-up rides on, and the summaries the case-study score reads from real items
 * written by each owner's domain or repository.
 *
 * The programs are singletons shared with other suites: the feedback settings and the loyalty program are saved only
 * when none are (the demo ones, as the other suites do), and the referral program is never touched — the referrals
 * here are written through the referrals repository's own commit, without a program, so no settle schedule of the
 * referrals suite ever finds them due. Feedback days are in 2033, so no other suite's counters mix in.
 */
const client = dynamoDocumentClient();
const FEEDBACK_TABLE = process.env.FEEDBACK_TABLE_NAME as string;
const feedbackContainer = () => new FeedbackRepository(client, FEEDBACK_TABLE);
const feedback = feedbackContainer();
const purchases = new PurchasesRepository(client, process.env.PURCHASES_TABLE_NAME as string);
const referrals = new ReferralsRepository(client, process.env.REFERRALS_TABLE_NAME as string);
const loyalty = new LoyaltyRepository(client, process.env.LOYALTY_TABLE_NAME as string);
const t0 = '2033-02-01T10:00:00.000Z';
const hours = (iso: string, count: number) => new Date(Date.parse(iso) + count * 3600_000).toISOString();
let throttleDays = 90;

const tokenOf = (link: string) => decodeURIComponent(new URL(link).pathname.slice('/s/'.length));

/** A survey sent now and answered with `score` (NPS unless told). */
async function answered(customerId: string, score: number, at: string, kind: 'nps' | 'csat' = 'nps') {
  const asked = await askManually(feedback, { customerId, kind, delaySeconds: 0 }, at);
  if (asked.kind !== 'requested') throw new Error(`the survey was not sent (${asked.kind})`);
  const answer = await answerSurvey(feedback, { token: tokenOf(asked.link), score }, at);
  if (answer.kind !== 'answered') throw new Error(`the answer was not recorded (${answer.kind})`);
  return asked.request;
}

beforeAll(async () => {
  if (!(await feedback.getSettings())) await saveFeedbackSettings(feedback, demoFeedbackSettings('https://api.example.com'), 'test', t0);
  throttleDays = (await feedback.getSettings())?.throttleDays ?? 90;
  if (!(await loyalty.getProgram())) await saveProgram(loyalty, DEMO_PROGRAM, 'test', t0);
});

describe('claiming the contact budget under concurrency', () => {
  it('grants exactly one of five concurrent claims by different contacts, and the budget names it', async () => {
    const customerId = uniqueId('adv-claims');
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, index) => claimContact({ customerId, contactId: `tm-${index}`, at: t0 })));
    const granted = outcomes.flatMap((outcome, index) => (outcome.kind === 'claimed' ? [`tm-${index}`] : []));
    expect(granted).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'throttled')).toHaveLength(4);
    expect(await feedback.getBudget(customerId)).toMatchObject({ lastContactAt: t0, lastRequestId: granted[0], version: 1 });
  });

  it('grants one contact claimed twice at once both times, writing the budget once (and nothing on a later retry)', async () => {
    const customerId = uniqueId('adv-same');
    const claim = { customerId, contactId: 'tm-1', at: t0 };
    // Separate containers, as two deliveries in two Lambda environments would be.
    expect(await Promise.all([claimThrough(feedbackContainer(), claim), claimThrough(feedbackContainer(), claim)])).toEqual([{ kind: 'claimed' }, { kind: 'claimed' }]);
    expect(await feedback.getBudget(customerId)).toMatchObject({ lastRequestId: 'tm-1', version: 1 });
    expect(await claimContact({ ...claim, at: hours(t0, 5) })).toEqual({ kind: 'claimed' });
    expect(await feedback.getBudget(customerId)).toMatchObject({ lastContactAt: t0, version: 1 });
  });
});

describe('what NPS answers do to testimonial requests', () => {
  it('refuses a claim after a detractor answer, naming when they answered', async () => {
    const customerId = uniqueId('adv-detractor');
    const request = await answered(customerId, 4, t0);
    expect((await feedback.getRequest(request.requestId))?.answer?.category).toBe('detractor');
    const later = addDays(t0, throttleDays + 10);
    expect(await claimContact({ customerId, contactId: 'tm-1', followUpOf: request.requestId, at: hours(t0, 1) })).toEqual({ kind: 'detractor', answeredAt: t0, reason: expect.stringContaining(t0) });
    // Past the window (the survey's too) the customer may be asked again.
    expect(await claimContact({ customerId, contactId: 'tm-2', at: later })).toEqual({ kind: 'claimed' });
  });

  it('lets one follow-up ride on the survey a promoter answered, and throttles a second one', async () => {
    const customerId = uniqueId('adv-promoter');
    const request = await answered(customerId, 10, t0);
    const soon = hours(t0, 1);
    expect(await claimContact({ customerId, contactId: 'tm-1', followUpOf: request.requestId, at: soon })).toEqual({ kind: 'claimed' });
    expect(await claimContact({ customerId, contactId: 'tm-2', followUpOf: request.requestId, at: soon })).toEqual({ kind: 'throttled', reason: expect.stringContaining('already carried its one follow-up (tm-1)') });
    expect(await claimContact({ customerId, contactId: 'tm-1', followUpOf: request.requestId, at: hours(t0, 2) })).toEqual({ kind: 'claimed' });
    // The follow-up rode on the survey's ask: the survey still holds the window.
    expect(await feedback.getBudget(customerId)).toMatchObject({ lastContactAt: t0, lastRequestId: request.requestId, followUpId: 'tm-1' });
  });

  it('grants one of three concurrent follow-ups of one answer', async () => {
    const customerId = uniqueId('adv-followups');
    const request = await answered(customerId, 9, t0);
    const outcomes = await Promise.all(['tm-a', 'tm-b', 'tm-c'].map((contactId) => claimThrough(feedbackContainer(), { customerId, contactId, followUpOf: request.requestId, at: hours(t0, 1) })));
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['claimed', 'throttled', 'throttled']);
  });

  it('settles a follow-up racing a detractor answer one way or the other: never granted after the answer', async () => {
    for (let round = 0; round < 4; round++) {
      const customerId = uniqueId('adv-race');
      const asked = await askManually(feedback, { customerId, kind: 'nps', delaySeconds: 0 }, t0);
      if (asked.kind !== 'requested') throw new Error(asked.kind);
      const claim = { customerId, contactId: 'tm-1', followUpOf: asked.request.requestId, at: hours(t0, 1) };
      const [answer, outcome] = await Promise.all([answerSurvey(feedbackContainer(), { token: tokenOf(asked.link), score: 2 }, hours(t0, 1)), claimThrough(feedbackContainer(), claim)]);
      expect(answer.kind).toBe('answered');
      const budget = await feedback.getBudget(customerId);
      expect(budget?.lastDetractorAt).toBe(hours(t0, 1));
      // Claimed only if the claim committed before the answer (its follow-up is on the budget); otherwise refused.
      if (outcome.kind === 'claimed') expect(budget?.followUpId).toBe('tm-1');
      else expect([outcome.kind, budget?.followUpId]).toEqual(['detractor', undefined]);
      // Either way, from now on the customer is a detractor, also for that contact's retry.
      expect((await claimThrough(feedbackContainer(), claim)).kind).toBe('detractor');
    }
  });
});

describe('one budget for surveys and testimonial requests', () => {
  it('throttles a survey ask after a claimed testimonial contact (manual and tier-upgrade asks alike)', async () => {
    const customerId = uniqueId('adv-shared');
    expect(await claimContact({ customerId, contactId: 'tm-1', at: t0 })).toEqual({ kind: 'claimed' });
    const manual = await askManually(feedback, { customerId, kind: 'nps', delaySeconds: 0 }, hours(t0, 24));
    expect(manual).toEqual({ kind: 'throttled', reason: expect.stringContaining(`asked for feedback on ${t0}`) });
    expect((await askAfterTierUpgrade(feedback, { eventId: uniqueId('tier'), customerId, to: 'Silver', direction: 'up' }, hours(t0, 48))).kind).toBe('throttled');
    // A survey scheduled for after the window is allowed: the budget is judged at its due time.
    expect((await askManually(feedback, { customerId, kind: 'nps', delaySeconds: throttleDays * 86_400 }, hours(t0, 1))).kind).toBe('scheduled');
  });

  it('throttles a testimonial claim after a survey was sent, and while one is scheduled', async () => {
    const sent = uniqueId('adv-sent');
    expect((await askManually(feedback, { customerId: sent, kind: 'nps', delaySeconds: 0 }, t0)).kind).toBe('requested');
    expect(await claimContact({ customerId: sent, contactId: 'tm-1', at: hours(t0, 24) })).toEqual({ kind: 'throttled', reason: expect.stringContaining(`next from ${addDays(t0, throttleDays)}`) });
    const waiting = uniqueId('adv-waiting');
    const scheduled = await askManually(feedback, { customerId: waiting, kind: 'csat', delaySeconds: 3600 }, t0);
    if (scheduled.kind !== 'scheduled') throw new Error(scheduled.kind);
    expect(await claimContact({ customerId: waiting, contactId: 'tm-1', at: hours(t0, 0.5) })).toEqual({ kind: 'throttled', reason: expect.stringContaining(`a survey (${scheduled.request.requestId}) is scheduled for ${scheduled.request.dueAt}`) });
  });
});

describe('the summaries a case-study score reads', () => {
  it("sums a customer's NPS answers (CSAT aside)", async () => {
    const customerId = uniqueId('adv-summary');
    const day = (count: number) => addDays(t0, count * (throttleDays + 1));
    await answered(customerId, 10, day(0));
    await answered(customerId, 3, day(1));
    await answered(customerId, 9, day(2));
    await answered(customerId, 5, day(3), 'csat');
    expect(await customerFeedbackSummary(customerId)).toEqual({ promoterAnswers: 2, lastPromoterAt: day(2), lastDetractorAt: day(1) });
    expect(await customerFeedbackSummary(uniqueId('adv-nobody'))).toEqual({ promoterAnswers: 0 });
  });

  it("sums a customer's purchases and refunds per currency, across stores", async () => {
    const customerId = uniqueId('adv-buyer');
    const [storeA, storeB] = [uniqueId('shop'), uniqueId('shop')];
    const buy = async (storeId: string, orderId: string, amountMinor: number, currency: string, occurredAt: string) => {
      const recorded = await recordPurchase(purchases, { storeId, orderId, customerId, amountMinor, currency, items: [], occurredAt }, new Date(occurredAt));
      expect(recorded.kind).toBe('created');
    };
    await buy(storeA, 'o-1', 5000, 'USD', '2033-01-05T10:00:00.000Z');
    await buy(storeB, 'o-2', 2000, 'USD', '2033-01-09T10:00:00.000Z');
    await buy(storeA, 'o-3', 3000, 'EUR', '2033-01-02T10:00:00.000Z');
    await buy(storeA, 'o-4', 1250, 'EUR', '2033-01-07T10:00:00.000Z');
    expect((await refundPurchase(purchases, { storeId: storeA, orderId: 'o-1', refundId: 'r-1', amount: '10.00' }, new Date('2033-01-10T10:00:00.000Z'))).kind).toBe('created');
    expect((await refundPurchase(purchases, { storeId: storeA, orderId: 'o-1', refundId: 'r-2', amount: '5.50' }, new Date('2033-01-20T10:00:00.000Z'))).kind).toBe('created');
    expect((await refundPurchase(purchases, { storeId: storeA, orderId: 'o-3', refundId: 'r-3', amount: { } }, new Date('2033-01-15T10:00:00.000Z'))).kind).toBe('created');
    expect(await customerPurchaseSummary(customerId)).toEqual({
      orders: 4,
      spendMinor: { USD: 7000, EUR: 4250 },
      refundedMinor: { USD: 1550, EUR: 3000 },
      firstPurchaseAt: '2033-01-02T10:00:00.000Z',
      lastPurchaseAt: '2033-01-09T10:00:00.000Z',
      lastRefundAt: '2033-01-20T10:00:00.000Z',
    });
    expect(await customerPurchaseSummary(uniqueId('adv-nobody'))).toEqual({ orders: 0, spendMinor: {}, refundedMinor: {} });
  });

  it("counts an advocate's rewarded referrals, not their pending, flagged or rejected ones, nor another advocate's", async () => {
    const advocate = uniqueId('adv-advocate');
    const other = uniqueId('adv-advocate');
    const write = async (advocateCustomerId: string, status: ReferralStatus) => {
      const referral: Referral = {
        referralId: uniqueId('ref'),
        code: 'ADVOCACY1',
        advocateCustomerId,
        refereeCustomerId: uniqueId('friend'),
        status,
        via: 'purchase',
        attributedAt: t0,
        flags: [],
        welcomeOffered: false,
        ...(status === 'rewarded' ? { rewardedAt: t0 } : {}),
        programVersion: 1,
        version: 0,
        historySeq: 0,
        updatedAt: t0,
      };
      expect(await referrals.commit({ change: { before: undefined, referral, history: [], stats: {} } })).toEqual({ kind: 'committed' });
      return { ...referral, version: 1 };
    };
    await write(advocate, 'rewarded');
    await write(advocate, 'rewarded');
    const pending = await write(advocate, 'pending');
    await write(advocate, 'flagged');
    await write(advocate, 'rejected');
    await write(other, 'rewarded');
    expect(await advocateRewardedReferrals(advocate)).toBe(2);
    // The pending one's hold ends with the purchase intact: rewarded, and counted.
    const rewarded: Referral = { ...pending, status: 'rewarded', rewardedAt: hours(t0, 1), updatedAt: hours(t0, 1) };
    expect(await referrals.commit({ change: { before: pending, referral: rewarded, history: [], stats: {} } })).toEqual({ kind: 'committed' });
    expect(await advocateRewardedReferrals(advocate)).toBe(3);
    expect(await advocateRewardedReferrals(other)).toBe(1);
    expect(await advocateRewardedReferrals(uniqueId('adv-nobody'))).toBe(0);
  });

  it("reads a customer's tier and its rank: the base tier at first, higher after an upgrade", async () => {
    const customerId = uniqueId('adv-tier');
    const [base, second, third] = DEMO_PROGRAM.tiers;
    expect(await customerTier(customerId)).toEqual({ name: base?.name, rank: 0 });
    const spend = async (orderId: string, amountMinor: number) => {
      const purchase = newPurchase({ storeId: 'adv-store', orderId, customerId, amountMinor, currency: 'USD', items: [], occurredAt: t0 }, new Date(t0));
      expect(await awardPurchase(loyalty, { ...purchase, items: [] }, t0)).toBe('awarded');
    };
    await spend('o-1', 60_000);
    expect(await loyalty.getAccount(customerId)).toMatchObject({ tier: { name: second?.name } });
    expect(await customerTier(customerId)).toEqual({ name: second?.name, rank: 1 });
    await spend('o-2', 150_000);
    expect(await customerTier(customerId)).toEqual({ name: third?.name, rank: 2 });
  });
});
