import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { claimContact, customerFeedbackSummary } from '../../functions/feedback/contact-budget.facade';
import { demoFeedbackSettings } from '../../functions/feedback/domain/settings';
import { answerSurvey, askManually as askSurvey, saveFeedbackSettings } from '../../functions/feedback/domain/use-cases';
import { FeedbackRepository } from '../../functions/feedback/feedback.repository';
import { customerTier } from '../../functions/loyalty/loyalty.reads.facade';
import { recordPurchase, refundPurchase } from '../../functions/purchases/domain/use-cases';
import { customerPurchaseSummary } from '../../functions/purchases/purchases.reads.facade';
import { PurchasesRepository } from '../../functions/purchases/purchases.repository';
import { advocateRewardedReferrals } from '../../functions/referrals/referrals.reads.facade';
import { demoTestimonialSettings } from '../../functions/testimonials/domain/settings';
import {
  approveTestimonial,
  askAfterPromoter,
  askAfterTierUpgrade,
  askManually,
  curateTestimonial,
  listCandidates,
  moveCandidate,
  openLink,
  regenerateLink,
  rescoreCustomer,
  revokeRequest,
  saveTestimonialSettings,
  showWall,
  submitTestimonial,
  withdrawByLink,
  type AskDeps,
  type ScoreDeps,
} from '../../functions/testimonials/domain/use-cases';
import { TestimonialsRepository } from '../../functions/testimonials/testimonials.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { uniqueId } from '../support/api-event';

/**
 * The testimonials service on DynamoDB Local, with the real facades of the services it reads (each through its
 * owner's wiring): a promoter's answer asks once however often it is delivered, riding on that survey's contact; a
 * detractor is never asked; one submission per link under concurrency; the wall shows approved and consented ones
 * only, anonymous without a name, and loses a withdrawn one on the very next read; regenerate and revoke retire the
 * old link; and the case-study candidates rank a promoter with a public testimonial and high spend first, with reasons,
 * leaving out a customer with a fresh refund. Days are in 2034 so no other suite's budgets or counters mix in.
 */
const client = dynamoDocumentClient();
const TABLE = process.env.TESTIMONIALS_TABLE_NAME as string;
const container = () => new TestimonialsRepository(client, TABLE);
const repo = container();
const feedback = new FeedbackRepository(client, process.env.FEEDBACK_TABLE_NAME as string);
const purchases = new PurchasesRepository(client, process.env.PURCHASES_TABLE_NAME as string);
const askDeps = (store = container()): AskDeps => ({ store, contacts: { claimContact } });
const scoreDeps = (): ScoreDeps => ({ store: container(), sources: { purchases: customerPurchaseSummary, feedback: customerFeedbackSummary, referralsRewarded: advocateRewardedReferrals, tier: customerTier } });
const t0 = '2034-03-01T10:00:00.000Z';
const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const tokenOf = (link: string, prefix: string) => decodeURIComponent(new URL(link).pathname.slice(prefix.length));

/** A survey sent and answered with `score`: the PromoterIdentified (or DetractorIdentified) it announces names it. */
async function answeredSurvey(customerId: string, score: number, at: string): Promise<string> {
  const asked = await askSurvey(feedback, { customerId, kind: 'nps', delaySeconds: 0 }, at);
  if (asked.kind !== 'requested') throw new Error(`survey not sent: ${asked.kind}`);
  const answer = await answerSurvey(feedback, { token: tokenOf(asked.link, '/s/'), score }, at);
  if (answer.kind !== 'answered') throw new Error(`answer not recorded: ${answer.kind}`);
  return asked.request.requestId;
}

async function promoterRequest(customerId: string, at: string) {
  const surveyRequestId = await answeredSurvey(customerId, 10, at);
  const asked = await askAfterPromoter(askDeps(), { surveyRequestId, customerId }, later(at, 1));
  if (asked.kind !== 'requested') throw new Error(`testimonial not requested: ${asked.kind}`);
  return { ...asked, token: tokenOf(asked.link, '/t/') };
}

async function submitted(customerId: string, at: string, consent: 'public' | 'anonymous' | 'private', text = 'Lovely shop, fast delivery.') {
  const { token } = await promoterRequest(customerId, at);
  const result = await submitTestimonial(repo, { token, rating: 5, text, displayName: 'Anna K.', title: 'Head of Ops', company: 'Acme', consent }, later(at, 2));
  if (result.kind !== 'submitted') throw new Error(`not submitted: ${result.kind}`);
  return { token, testimonial: result.testimonial };
}

async function eventsOf(pk: string) {
  const items = (await client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)', ExpressionAttributeValues: { ':pk': pk, ':e': 'EVENT#' }, ConsistentRead: true }))).Items ?? [];
  return items.map((item) => String(item.sk)).sort();
}

beforeAll(async () => {
  if (!(await feedback.getSettings())) await saveFeedbackSettings(feedback, demoFeedbackSettings('https://api.example.com'), 'test', t0);
  if (!(await repo.getSettings())) await saveTestimonialSettings(repo, demoTestimonialSettings('https://api.example.com'), 'test', t0);
});

describe('asking for testimonials', () => {
  it("asks a promoter once however often the answer is delivered, riding on the survey's contact", async () => {
    const customerId = uniqueId('ts-promoter');
    const surveyRequestId = await answeredSurvey(customerId, 9, t0);
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => askAfterPromoter(askDeps(), { surveyRequestId, customerId }, later(t0, 1))));
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['exists', 'exists', 'exists', 'requested']);
    const requested = outcomes.find((outcome) => outcome.kind === 'requested');
    const request = requested && 'request' in requested ? requested.request : undefined;
    expect(request).toMatchObject({ customerId, trigger: 'promoter', status: 'requested', uses: 0 });
    expect(await eventsOf(`REQUEST#${request?.requestId}`)).toEqual(['EVENT#TestimonialRequested#requested']);
    // The follow-up rode on the survey: any other ask in the window is throttled by the one shared budget.
    const tier = await askAfterTierUpgrade(askDeps(), { eventId: uniqueId('tier'), customerId, direction: 'up' }, later(t0, 2));
    expect(tier.kind).toBe('throttled');
    const survey = await askSurvey(feedback, { customerId, kind: 'nps', delaySeconds: 0 }, later(t0, 3));
    expect(survey.kind).toBe('throttled');
  });

  it('never asks a customer who answered as a detractor, by any trigger, and stores nothing', async () => {
    const customerId = uniqueId('ts-detractor');
    const surveyRequestId = await answeredSurvey(customerId, 3, t0);
    // Even a promoter trigger naming the detractor's survey (a forged or misrouted event) is refused.
    expect((await askAfterPromoter(askDeps(), { surveyRequestId, customerId }, later(t0, 1))).kind).toBe('detractor');
    expect((await askAfterTierUpgrade(askDeps(), { eventId: uniqueId('tier'), customerId, direction: 'up' }, '2034-05-01T10:00:00.000Z')).kind).toBe('detractor');
    const manual = await askManually(askDeps(), [{ customerId }], '2034-05-02T10:00:00.000Z');
    expect(manual).toMatchObject({ kind: 'asked', outcomes: [{ customerId, status: 'refused' }] });
    expect(await repo.customerRequests(customerId)).toEqual([]);
  });

  it('asks a list manually, one outcome each: a fresh customer requested, one asked recently throttled', async () => {
    const fresh = uniqueId('ts-manual');
    const recent = uniqueId('ts-manual-recent');
    await answeredSurvey(recent, 8, t0);
    const result = await askManually(askDeps(), [{ customerId: fresh, email: 'fresh@example.com' }, { customerId: recent }], later(t0, 5));
    if (result.kind !== 'asked') throw new Error(result.kind);
    expect(result.outcomes.map((outcome) => [outcome.customerId, outcome.status])).toEqual([
      [fresh, 'requested'],
      [recent, 'throttled'],
    ]);
    const [request] = await repo.customerRequests(fresh);
    expect(request).toMatchObject({ trigger: 'manual', email: 'fresh@example.com' });
  });
});

describe('submitting, moderating, walls', () => {
  it('takes one submission per link even when five arrive at once', async () => {
    const customerId = uniqueId('ts-submit');
    const { token, request } = await promoterRequest(customerId, t0);
    const at = later(t0, 3);
    const results = await Promise.all(Array.from({ length: 5 }, (_, index) => submitTestimonial(container(), { token, rating: (index % 5) + 1, text: `Attempt ${index}`, displayName: 'Ben', consent: 'public' }, at)));
    expect(results.map((result) => result.kind).sort()).toEqual(['submitted', 'used', 'used', 'used', 'used']);
    expect(await repo.customerTestimonials(customerId)).toHaveLength(1);
    expect(await repo.getRequest(request.requestId)).toMatchObject({ status: 'submitted', uses: 1 });
    expect((await openLink(repo, token, at)).kind).toBe('submitted');
  });

  it('shows approved, consented testimonials on the wall — anonymous without a name, private never — and drops a withdrawn one at once', async () => {
    const named = await submitted(uniqueId('ts-wall-named'), t0, 'public');
    const anonymous = await submitted(uniqueId('ts-wall-anon'), t0, 'anonymous');
    const secret = await submitted(uniqueId('ts-wall-private'), t0, 'private');
    const pendingOnly = await submitted(uniqueId('ts-wall-pending'), t0, 'public');
    for (const { testimonial } of [named, anonymous, secret]) expect((await approveTestimonial(repo, testimonial.testimonialId, 'marketer:mia', later(t0, 10))).kind).toBe('changed');
    const wall = await showWall(repo, 'default');
    const ids = wall?.entries.map((entry) => entry.testimonialId) ?? [];
    expect(ids).toEqual(expect.arrayContaining([named.testimonial.testimonialId, anonymous.testimonial.testimonialId]));
    expect(ids).not.toContain(secret.testimonial.testimonialId);
    expect(ids).not.toContain(pendingOnly.testimonial.testimonialId);
    expect(wall?.entries.find((entry) => entry.testimonialId === named.testimonial.testimonialId)).toMatchObject({ displayName: 'Anna K.', title: 'Head of Ops', company: 'Acme', rating: 5 });
    const anon = wall?.entries.find((entry) => entry.testimonialId === anonymous.testimonial.testimonialId);
    expect(anon).toMatchObject({ displayName: null });
    expect(anon).not.toHaveProperty('company');
    expect(JSON.stringify(anon)).not.toContain('Anna');

    // Withdrawn by the link it was submitted with: the very next wall read no longer has it (the index is not trusted).
    expect(await withdrawByLink(repo, named.token, later(t0, 20))).toMatchObject({ kind: 'changed', testimonial: { status: 'withdrawn', withdrawnBy: 'link' } });
    expect((await showWall(repo, 'default'))?.entries.map((entry) => entry.testimonialId)).not.toContain(named.testimonial.testimonialId);
    expect((await approveTestimonial(repo, named.testimonial.testimonialId, 'marketer:mia', later(t0, 21))).kind).toBe('withdrawn');
    expect(await eventsOf(`TESTIMONIAL#${named.testimonial.testimonialId}`)).toEqual(['EVENT#TestimonialApproved#approved:2', 'EVENT#TestimonialSubmitted#submitted', 'EVENT#TestimonialWithdrawn#withdrawn']);
  });

  it('lists the moderation queue by tag and by rating on the index, a low rating queued like any other', async () => {
    const low = await submitted(uniqueId('ts-mod-low'), t0, 'public');
    const high = await submitted(uniqueId('ts-mod-high'), t0, 'public');
    await repo.commit({ testimonial: { next: { ...low.testimonial, rating: 1, version: 2 }, expectedVersion: 1 }, announce: [] });
    expect((await curateTestimonial(repo, high.testimonial.testimonialId, { tags: ['Case-Study', 'b2b'] })).kind).toBe('changed');
    const listed = async (query: { tag?: string; rating?: number }) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await repo.moderationPage({ status: 'pending', limit: 100, ...query, ...(cursor ? { cursor } : {}) });
        ids.push(...page.items.map((item) => item.testimonialId));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    const byTag = await listed({ tag: 'case-study' });
    expect(byTag).toContain(high.testimonial.testimonialId);
    expect(byTag).not.toContain(low.testimonial.testimonialId);
    const lowOnes = await listed({ rating: 1 });
    expect(lowOnes).toContain(low.testimonial.testimonialId);
    expect(lowOnes).not.toContain(high.testimonial.testimonialId);
    expect(await listed({ tag: 'case-study', rating: 1 })).not.toContain(high.testimonial.testimonialId);
  });

  it('retires the old link on regenerate, and a revoked link opens nothing', async () => {
    const customerId = uniqueId('ts-links');
    const { token, request } = await promoterRequest(customerId, t0);
    const regenerated = await regenerateLink(repo, request.requestId, later(t0, 5));
    if (regenerated.kind !== 'changed' || !regenerated.link) throw new Error(regenerated.kind);
    expect((await openLink(repo, token, later(t0, 6))).kind).toBe('not-found');
    const fresh = tokenOf(regenerated.link, '/t/');
    expect((await openLink(repo, fresh, later(t0, 6))).kind).toBe('open');
    expect(await eventsOf(`REQUEST#${request.requestId}`)).toEqual(['EVENT#TestimonialRequested#regenerated:2', 'EVENT#TestimonialRequested#requested']);
    expect((await revokeRequest(repo, request.requestId, later(t0, 7))).kind).toBe('changed');
    expect((await submitTestimonial(repo, { token: fresh, rating: 4, text: 'Nice', displayName: 'C', consent: 'public' }, later(t0, 8))).kind).toBe('revoked');
  });
});

describe('case-study candidates', () => {
  it('ranks a promoter with an approved public testimonial and high spend first, with reasons; leaves out a fresh refund', async () => {
    const star = uniqueId('ts-star');
    const plain = uniqueId('ts-plain');
    const refunded = uniqueId('ts-refunded');
    const buy = async (customerId: string, amountMinor: number, occurredAt: string) => {
      const orderId = uniqueId('order');
      expect((await recordPurchase(purchases, { storeId: 'shop', orderId, customerId, amountMinor, currency: 'USD', items: [], occurredAt }, new Date(occurredAt))).kind).toBe('created');
      return orderId;
    };
    await buy(star, 2_500_000, '2034-01-02T10:00:00.000Z');
    await buy(star, 10_000, '2034-02-20T10:00:00.000Z');
    await buy(plain, 5_000, '2034-02-20T10:00:00.000Z');
    const refundedOrder = await buy(refunded, 2_500_000, '2034-02-20T10:00:00.000Z');
    expect((await refundPurchase(purchases, { storeId: 'shop', orderId: refundedOrder, refundId: uniqueId('refund'), amount: '1.00' }, new Date('2034-02-25T10:00:00.000Z'))).kind).toBe('created');

    const starTestimonial = await submitted(star, t0, 'public');
    await approveTestimonial(repo, starTestimonial.testimonial.testimonialId, 'marketer:mia', later(t0, 10));
    await answeredSurvey(plain, 9, t0);
    await answeredSurvey(refunded, 10, t0);
    const at = later(t0, 30);
    // Rescored twice at once (a redelivered event and the next one): one profile, the same score.
    await Promise.all([rescoreCustomer(scoreDeps(), star, { onlyIfKnown: false }, at), rescoreCustomer(scoreDeps(), star, { onlyIfKnown: false }, at)]);
    for (const customerId of [plain, refunded]) await rescoreCustomer(scoreDeps(), customerId, { onlyIfKnown: false }, at);
    expect(await rescoreCustomer(scoreDeps(), uniqueId('ts-unknown'), { onlyIfKnown: true }, at)).toBe('unknown');

    const listed: string[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await listCandidates(repo, 100, cursor, at);
      listed.push(...page.items.map((item) => item.profile.profile.customerId));
      cursor = page.cursor;
    } while (cursor);
    expect(listed.indexOf(star)).toBeGreaterThanOrEqual(0);
    expect(listed.indexOf(star)).toBeLessThan(listed.indexOf(plain));
    expect(listed).not.toContain(refunded);
    const profile = await repo.getProfile(star);
    expect(profile?.score.reasons.map((reason) => reason.factor)).toEqual(expect.arrayContaining(['promoter', 'testimonial', 'spend']));
    expect(profile?.profile).toMatchObject({ promoterAnswers: 1, orders: 2, spendMinor: { USD: 2_510_000 }, testimonials: { approvedPublic: 1 } });
    expect((await repo.getProfile(refunded))?.score.exclusions.map((exclusion) => exclusion.factor)).toEqual(['refund']);

    expect(await moveCandidate(repo, star, 'interviewing', 'marketer:mia', at)).toMatchObject({ kind: 'invalid-transition', from: 'candidate' });
    expect(await moveCandidate(repo, star, 'contacted', 'marketer:mia', at, 'Emailed Anna')).toMatchObject({ kind: 'moved', caseStudy: { stage: 'contacted' } });
    expect(await eventsOf(`PROFILE#${star}`)).toEqual(['EVENT#CaseStudyStageChanged#stage:1']);
  });
});
