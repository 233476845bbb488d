import fc from 'fast-check';
import { decideClaim, summarizeCustomerAnswers, type ContactClaimRequest } from '../../functions/feedback/domain/contact';
import { demoFeedbackSettings, THROTTLE_DAYS, type FeedbackSettings } from '../../functions/feedback/domain/settings';
import type { ContactStore, FeedbackStore, RequestChange } from '../../functions/feedback/domain/store';
import { addDays, type ContactBudget, type SurveyRequest } from '../../functions/feedback/domain/survey';
import { answerSurvey, askManually, claimContact, customerFeedbackSummary } from '../../functions/feedback/domain/use-cases';

/**
 * The contact budget as other services claim it (a testimonial request): the pure decision rule by rule — a recent
 * NPS detractor is never asked, a claim is idempotent per contact, one follow-up rides on the last ask while its
 * window lasts, a waiting survey goes first, otherwise the window decides — and the use cases over an in-memory port
 * with the port's contract (all-or-nothing writes conditioned on the version read): retries after a lost race,
 * the default window, the detractor remembered by the answer, the follow-up slot freed by the next survey.
 */
const t0 = '2032-03-01T10:00:00.000Z';
const DAY_MS = 86_400_000;
const at = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const customerId = 'cust-1';
const claimOf = (contactId: string, when: string, followUpOf?: string): ContactClaimRequest => ({ customerId, contactId, at: when, ...(followUpOf !== undefined ? { followUpOf } : {}) });
const spent = (patch: Partial<ContactBudget> = {}): ContactBudget => ({ customerId, lastContactAt: t0, lastRequestId: 'sv_survey1', version: 3, ...patch });

describe('decideClaim: the window', () => {
  it('grants a first claim and creates the budget (version 0: it must not exist)', () => {
    expect(decideClaim(claimOf('tm_1', t0), undefined, undefined, 90)).toEqual({
      kind: 'claimed',
      write: { next: { customerId, lastContactAt: t0, lastRequestId: 'tm_1', version: 1 }, expectedVersion: 0 },
    });
  });

  it.each(THROTTLE_DAYS)('with throttleDays %i: refused 1 ms before the window ends, granted at its end, saying when the next ask is possible', (days) => {
    const ends = at(t0, days * DAY_MS);
    const refused = decideClaim(claimOf('tm_1', at(ends, -1)), spent(), undefined, days);
    expect(refused).toEqual({ kind: 'throttled', reason: expect.stringContaining(`(next from ${ends})`) });
    expect(decideClaim(claimOf('tm_1', ends), spent(), undefined, days)).toEqual({
      kind: 'claimed',
      write: { next: { customerId, lastContactAt: ends, lastRequestId: 'tm_1', version: 4 }, expectedVersion: 3 },
    });
  });

  it('spends the budget keeping what else it holds, and frees the follow-up slot of the contact it replaces', () => {
    const later = at(t0, 100 * DAY_MS);
    const budget = spent({ followUpId: 'tm_old', scheduledRequestId: 'sv_dropped', lastDetractorAt: '2031-01-01T00:00:00.000Z' });
    const decision = decideClaim(claimOf('tm_1', later), budget, { requestId: 'sv_dropped', status: 'throttled', dueAt: t0 }, 90);
    expect(decision).toEqual({
      kind: 'claimed',
      write: { next: { customerId, lastContactAt: later, lastRequestId: 'tm_1', scheduledRequestId: 'sv_dropped', lastDetractorAt: '2031-01-01T00:00:00.000Z', version: 4 }, expectedVersion: 3 },
    });
  });
});

describe('decideClaim: idempotent per contact', () => {
  it('claims again, writing nothing, for the contact that spent the budget (inside its window)', () => {
    expect(decideClaim(claimOf('tm_1', at(t0, DAY_MS)), spent({ lastRequestId: 'tm_1' }), undefined, 90)).toEqual({ kind: 'claimed' });
  });

  it('claims again, writing nothing, for the follow-up that rides on the last contact (with or without followUpOf)', () => {
    const budget = spent({ followUpId: 'tm_1' });
    expect(decideClaim(claimOf('tm_1', at(t0, DAY_MS), 'sv_survey1'), budget, undefined, 90)).toEqual({ kind: 'claimed' });
    expect(decideClaim(claimOf('tm_1', at(t0, DAY_MS)), budget, undefined, 90)).toEqual({ kind: 'claimed' });
  });

  it('throttles a different contact inside the window', () => {
    expect(decideClaim(claimOf('tm_2', at(t0, DAY_MS)), spent({ lastRequestId: 'tm_1' }), undefined, 90).kind).toBe('throttled');
  });
});

describe('decideClaim: a follow-up rides on the last contact, once', () => {
  const soon = at(t0, 2 * 3600_000);

  it('grants the first follow-up of the last contact without spending the window again', () => {
    expect(decideClaim(claimOf('tm_1', soon, 'sv_survey1'), spent(), undefined, 90)).toEqual({
      kind: 'claimed',
      write: { next: { ...spent(), followUpId: 'tm_1', version: 4 }, expectedVersion: 3 },
    });
  });

  it('throttles a second, different follow-up of the same contact, naming the first and when the next ask is possible', () => {
    const decision = decideClaim(claimOf('tm_2', soon, 'sv_survey1'), spent({ followUpId: 'tm_1' }), undefined, 90);
    expect(decision).toEqual({ kind: 'throttled', reason: expect.stringContaining('already carried its one follow-up (tm_1)') });
    expect(decision.kind === 'throttled' && decision.reason).toContain(`next from ${addDays(t0, 90)}`);
  });

  it('throttles a follow-up of a contact that is not the last one', () => {
    const decision = decideClaim(claimOf('tm_1', soon, 'sv_older'), spent(), undefined, 90);
    expect(decision).toEqual({ kind: 'throttled', reason: expect.stringContaining("sv_older is not the customer's last contact") });
  });

  it('treats a follow-up for a customer never contacted (nothing to ride on) as a claim of its own', () => {
    expect(decideClaim(claimOf('tm_1', soon, 'sv_unknown'), undefined, undefined, 90)).toMatchObject({ kind: 'claimed', write: { next: { lastRequestId: 'tm_1', lastContactAt: soon } } });
  });

  it('past the window, a follow-up is an ask of its own: it spends the budget', () => {
    const later = addDays(t0, 90);
    expect(decideClaim(claimOf('tm_1', later, 'sv_survey1'), spent({ followUpId: 'tm_0' }), undefined, 90)).toEqual({
      kind: 'claimed',
      write: { next: { customerId, lastContactAt: later, lastRequestId: 'tm_1', version: 4 }, expectedVersion: 3 },
    });
  });

  it('goes ahead of a scheduled survey: it rides on the ask already made', () => {
    const budget = spent({ scheduledRequestId: 'sv_next' });
    expect(decideClaim(claimOf('tm_1', soon, 'sv_survey1'), budget, { requestId: 'sv_next', status: 'scheduled', dueAt: addDays(t0, 95) }, 90)).toMatchObject({ kind: 'claimed', write: { next: { followUpId: 'tm_1' } } });
  });
});

describe('decideClaim: a survey scheduled and waiting', () => {
  const budget: ContactBudget = { customerId, scheduledRequestId: 'sv_next', version: 1 };
  const dueAt = at(t0, 7 * DAY_MS);

  it('throttles every other contact while the survey the budget names is still scheduled, saying when the next ask is possible', () => {
    const decision = decideClaim(claimOf('tm_1', t0), budget, { requestId: 'sv_next', status: 'scheduled', dueAt }, 30);
    expect(decision).toEqual({ kind: 'throttled', reason: expect.stringContaining(`a survey (sv_next) is scheduled for ${dueAt}`) });
    expect(decision.kind === 'throttled' && decision.reason).toContain(`from ${addDays(dueAt, 30)} at the earliest`);
  });

  it.each(['requested', 'answered', 'throttled'] as const)('lets a claim through once the waiting survey is %s (its slot is stale)', (status) => {
    expect(decideClaim(claimOf('tm_1', t0), budget, { requestId: 'sv_next', status, dueAt }, 30)).toMatchObject({ kind: 'claimed', write: { next: { lastRequestId: 'tm_1', scheduledRequestId: 'sv_next' } } });
  });

  it('ignores a request that is not the one the budget names, and a named request that is gone', () => {
    expect(decideClaim(claimOf('tm_1', t0), budget, { requestId: 'sv_other', status: 'scheduled', dueAt }, 30).kind).toBe('claimed');
    expect(decideClaim(claimOf('tm_1', t0), budget, undefined, 30).kind).toBe('claimed');
  });
});

describe('decideClaim: never a recent detractor', () => {
  const answeredAt = '2032-02-01T08:00:00.000Z';

  it.each(THROTTLE_DAYS)('with throttleDays %i: a detractor 1 ms before the window after the answer ends, asked again at its end', (days) => {
    const ends = addDays(answeredAt, days);
    const budget: ContactBudget = { customerId, lastDetractorAt: answeredAt, version: 2 };
    expect(decideClaim(claimOf('tm_1', at(ends, -1)), budget, undefined, days)).toEqual({ kind: 'detractor', answeredAt, reason: expect.stringContaining(`(next from ${ends})`) });
    expect(decideClaim(claimOf('tm_1', ends), budget, undefined, days)).toMatchObject({ kind: 'claimed', write: { next: { lastDetractorAt: answeredAt, lastRequestId: 'tm_1' } } });
  });

  it('refuses at the very moment of the answer, and for an answer stamped after the claim', () => {
    const budget: ContactBudget = { customerId, lastDetractorAt: answeredAt, version: 2 };
    expect(decideClaim(claimOf('tm_1', answeredAt), budget, undefined, 90).kind).toBe('detractor');
    expect(decideClaim(claimOf('tm_1', at(answeredAt, -3600_000)), budget, undefined, 90).kind).toBe('detractor');
  });

  it('comes before idempotency and the follow-up: a contact granted before the answer is refused on its retry', () => {
    const budget = spent({ lastRequestId: 'tm_1', followUpId: 'tm_2', lastDetractorAt: at(t0, 3600_000) });
    expect(decideClaim(claimOf('tm_1', at(t0, 2 * 3600_000)), budget, undefined, 90).kind).toBe('detractor');
    expect(decideClaim(claimOf('tm_2', at(t0, 2 * 3600_000), 'sv_survey1'), budget, undefined, 90).kind).toBe('detractor');
    expect(decideClaim(claimOf('tm_3', at(t0, 2 * 3600_000), 'tm_1'), budget, undefined, 90).kind).toBe('detractor');
  });
});

describe('decideClaim over any sequence of claims', () => {
  it('spends the window at most once per throttleDays, and lets at most one follow-up ride on each contact', () => {
    const step = fc.record({ gapHours: fc.integer({ min: 0, max: 24 * 40 }), followUp: fc.constantFrom('none', 'last', 'other'), repeat: fc.boolean() });
    fc.assert(
      fc.property(fc.constantFrom(...THROTTLE_DAYS), fc.array(step, { maxLength: 40 }), (days, steps) => {
        let budget: ContactBudget | undefined;
        let now = Date.parse(t0);
        const spends: number[] = [];
        const followUps = new Map<string, Set<string>>();
        steps.forEach((entry, index) => {
          now += entry.gapHours * 3600_000;
          const contactId = entry.repeat && budget?.lastRequestId ? budget.lastRequestId : `tm_${index}`;
          const followUpOf = entry.followUp === 'last' ? budget?.lastRequestId : entry.followUp === 'other' ? 'sv_elsewhere' : undefined;
          const decision = decideClaim(claimOf(contactId, new Date(now).toISOString(), followUpOf), budget, undefined, days);
          if (decision.kind !== 'claimed' || !decision.write) return;
          const next = decision.write.next;
          expect(decision.write.expectedVersion).toBe(budget?.version ?? 0);
          if (next.lastContactAt !== budget?.lastContactAt) spends.push(Date.parse(next.lastContactAt as string));
          else {
            const riders = followUps.get(next.lastRequestId as string) ?? new Set<string>();
            riders.add(next.followUpId as string);
            followUps.set(next.lastRequestId as string, riders);
          }
          budget = next;
        });
        for (let index = 1; index < spends.length; index++) expect((spends[index] as number) - (spends[index - 1] as number)).toBeGreaterThanOrEqual(days * DAY_MS);
        for (const riders of followUps.values()) expect(riders.size).toBe(1);
      }),
    );
  });
});

describe('summarizeCustomerAnswers', () => {
  const answered = (kind: 'nps' | 'csat', category: NonNullable<SurveyRequest['answer']>['category'], answeredAt: string): Pick<SurveyRequest, 'kind' | 'answer'> => ({ kind, answer: { score: 0, category, answeredAt } });

  it('counts NPS promoters and finds the latest promoter and detractor answers, whatever their order', () => {
    expect(
      summarizeCustomerAnswers([
        answered('nps', 'promoter', '2032-01-05T00:00:00.000Z'),
        answered('nps', 'detractor', '2032-01-03T00:00:00.000Z'),
        answered('nps', 'promoter', '2032-02-05T00:00:00.000Z'),
        answered('nps', 'promoter', '2032-01-20T00:00:00.000Z'),
        answered('nps', 'passive', '2032-03-01T00:00:00.000Z'),
        answered('nps', 'detractor', '2031-12-01T00:00:00.000Z'),
        { kind: 'nps' },
      ]),
    ).toEqual({ promoterAnswers: 3, lastPromoterAt: '2032-02-05T00:00:00.000Z', lastDetractorAt: '2032-01-03T00:00:00.000Z' });
  });

  it('ignores CSAT answers and answers nothing for a customer without NPS answers', () => {
    expect(summarizeCustomerAnswers([answered('csat', 'satisfied', t0), answered('csat', 'unsatisfied', t0)])).toEqual({ promoterAnswers: 0 });
    expect(summarizeCustomerAnswers([])).toEqual({ promoterAnswers: 0 });
  });
});

// ---- the use cases over the port

/** The port's contract in memory: a commit and a budget save are all-or-nothing and conditioned on the versions read. */
class PortInMemory implements FeedbackStore, ContactStore {
  readonly requests = new Map<string, SurveyRequest>();
  readonly budgets = new Map<string, ContactBudget>();
  budgetWrites = 0;
  requestReads = 0;
  /** Runs once, after the next budget read took its value: another writer slips in there. */
  afterBudgetRead?: () => Promise<void>;
  settings: FeedbackSettings | undefined = { ...demoFeedbackSettings('https://loyalty.example.com'), version: 1, updatedAt: t0, updatedBy: 'test' };

  async getSettings() { return this.settings; }
  async getSettingsCached() { return this.settings; }
  async saveSettings(): Promise<'saved' | 'conflict'> { throw new Error('not used'); }
  async tokenKey() { return 'k'.repeat(64); }
  async getBudget(id: string) {
    const read = this.budgets.get(id);
    const hook = this.afterBudgetRead;
    this.afterBudgetRead = undefined;
    if (hook) await hook();
    return read;
  }
  async getRequest(requestId: string) { this.requestReads++; return this.requests.get(requestId); }
  async saveBudget(budget: ContactBudget, expectedVersion: number): Promise<'saved' | 'conflict'> {
    if ((this.budgets.get(budget.customerId)?.version ?? 0) !== expectedVersion) return 'conflict';
    this.budgets.set(budget.customerId, budget);
    this.budgetWrites++;
    return 'saved';
  }
  async commit(change: RequestChange): Promise<'committed' | 'conflict' | 'exists'> {
    const current = this.requests.get(change.request.requestId);
    if (change.expectedVersion === 0 ? current : current?.version !== change.expectedVersion) return change.expectedVersion === 0 ? 'exists' : 'conflict';
    if (change.budget && (this.budgets.get(change.request.customerId)?.version ?? 0) !== change.budget.expectedVersion) return 'conflict';
    this.requests.set(change.request.requestId, change.request);
    if (change.budget) {
      this.budgets.set(change.request.customerId, change.budget.next);
      this.budgetWrites++;
    }
    return 'committed';
  }
  async dueRequests() { return { items: [] }; }
  async metricsDays() { return []; }
  async answers(): Promise<never> { throw new Error('not used'); }
  /** Pages of two, newest first, with a cursor that is the next offset. */
  async customerRequests(id: string, limit: number, cursor?: string) {
    const all = [...this.requests.values()].filter((request) => request.customerId === id).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const from = cursor ? Number(cursor) : 0;
    const size = Math.min(limit, 2);
    return { items: all.slice(from, from + size), ...(from + size < all.length ? { nextCursor: String(from + size) } : {}) };
  }
}

const tokenOf = (link: string) => decodeURIComponent(new URL(link).pathname.slice('/s/'.length));

describe('claimContact', () => {
  it('decides with the saved throttleDays, and 90 days when no settings are saved', async () => {
    const store = new PortInMemory();
    store.settings = { ...(store.settings as FeedbackSettings), throttleDays: 7 };
    expect(await claimContact(store, claimOf('tm_1', t0))).toEqual({ kind: 'claimed' });
    expect(await claimContact(store, claimOf('tm_2', addDays(t0, 7)))).toEqual({ kind: 'claimed' });
    const bare = new PortInMemory();
    bare.settings = undefined;
    expect(await claimContact(bare, claimOf('tm_1', t0))).toEqual({ kind: 'claimed' });
    expect((await claimContact(bare, claimOf('tm_2', addDays(t0, 89)))).kind).toBe('throttled');
    expect(await claimContact(bare, claimOf('tm_2', addDays(t0, 90)))).toEqual({ kind: 'claimed' });
  });

  it('re-reads after losing the race to another contact and answers throttled by what won', async () => {
    const store = new PortInMemory();
    store.afterBudgetRead = async () => { expect(await claimContact(store, claimOf('tm_winner', t0))).toEqual({ kind: 'claimed' }); };
    const loser = await claimContact(store, claimOf('tm_loser', t0));
    expect(loser.kind).toBe('throttled');
    expect(store.budgets.get(customerId)).toMatchObject({ lastRequestId: 'tm_winner', version: 1 });
  });

  it('re-reads after losing the race to its own retry and answers claimed, the budget written once', async () => {
    const store = new PortInMemory();
    store.afterBudgetRead = async () => { await claimContact(store, claimOf('tm_1', t0)); };
    expect(await claimContact(store, claimOf('tm_1', t0))).toEqual({ kind: 'claimed' });
    expect(store.budgetWrites).toBe(1);
  });

  it('reads the waiting survey only when the budget names one', async () => {
    const store = new PortInMemory();
    await claimContact(store, claimOf('tm_1', t0));
    await claimContact(store, claimOf('tm_2', t0));
    expect(store.requestReads).toBe(0);
    const scheduled = await askManually(store, { customerId: 'cust-2', kind: 'nps', delaySeconds: 3600 }, t0);
    expect(scheduled.kind).toBe('scheduled');
    expect(await claimContact(store, { customerId: 'cust-2', contactId: 'tm_3', at: t0 })).toEqual({ kind: 'throttled', reason: expect.stringContaining('is scheduled for') });
  });

  it('shares one budget with the surveys both ways', async () => {
    const store = new PortInMemory();
    expect(await claimContact(store, claimOf('tm_1', t0))).toEqual({ kind: 'claimed' });
    expect(await askManually(store, { customerId, kind: 'nps', delaySeconds: 0 }, at(t0, DAY_MS))).toMatchObject({ kind: 'throttled' });
    const other = { customerId: 'cust-2', kind: 'nps' as const, delaySeconds: 0 };
    expect((await askManually(store, other, t0)).kind).toBe('requested');
    expect((await claimContact(store, { customerId: 'cust-2', contactId: 'tm_2', at: at(t0, DAY_MS) })).kind).toBe('throttled');
  });
});

describe('the budget as surveys and answers leave it', () => {
  it('remembers an NPS detractor answer (the latest one), and no promoter, passive or CSAT answer', async () => {
    const store = new PortInMemory();
    const answer = async (id: string, kind: 'nps' | 'csat', score: number, when: string) => {
      const asked = await askManually(store, { customerId: id, kind, delaySeconds: 0 }, when);
      if (asked.kind !== 'requested') throw new Error(asked.kind);
      expect((await answerSurvey(store, { token: tokenOf(asked.link), score }, when)).kind).toBe('answered');
      return store.budgets.get(id);
    };
    expect((await answer('c-promoter', 'nps', 10, t0))?.lastDetractorAt).toBeUndefined();
    expect((await answer('c-passive', 'nps', 7, t0))?.lastDetractorAt).toBeUndefined();
    expect((await answer('c-csat', 'csat', 1, t0))?.lastDetractorAt).toBeUndefined();
    expect(await answer('c-detractor', 'nps', 6, t0)).toMatchObject({ lastDetractorAt: t0, lastContactAt: t0 });
    expect(await claimContact(store, { customerId: 'c-detractor', contactId: 'tm_1', at: addDays(t0, 120) })).toEqual({ kind: 'claimed' });
    expect(await claimContact(store, { customerId: 'c-promoter', contactId: 'tm_1', at: addDays(t0, 120) })).toEqual({ kind: 'claimed' });
  });

  it('keeps the latest detractor answer when an earlier-stamped one lands after it', async () => {
    const store = new PortInMemory();
    const first = await askManually(store, { customerId, kind: 'nps', delaySeconds: 0 }, t0);
    const second = await askManually(store, { customerId, kind: 'nps', delaySeconds: 0 }, addDays(t0, 90));
    if (first.kind !== 'requested' || second.kind !== 'requested') throw new Error('not asked');
    await answerSurvey(store, { token: tokenOf(second.link), score: 2 }, addDays(t0, 91));
    await answerSurvey(store, { token: tokenOf(first.link), score: 0 }, addDays(t0, 10));
    expect(store.budgets.get(customerId)?.lastDetractorAt).toBe(addDays(t0, 91));
  });

  it('frees the follow-up slot when the next survey goes out, so the promoter of that survey can be followed up too', async () => {
    const store = new PortInMemory();
    const first = await askManually(store, { customerId, kind: 'nps', delaySeconds: 0 }, t0);
    if (first.kind !== 'requested') throw new Error(first.kind);
    expect(await claimContact(store, claimOf('tm_1', t0, first.request.requestId))).toEqual({ kind: 'claimed' });
    expect(store.budgets.get(customerId)?.followUpId).toBe('tm_1');
    const later = addDays(t0, 90);
    const second = await askManually(store, { customerId, kind: 'nps', delaySeconds: 0 }, later);
    if (second.kind !== 'requested') throw new Error(second.kind);
    expect(store.budgets.get(customerId)).toMatchObject({ lastRequestId: second.request.requestId, lastContactAt: later });
    expect(store.budgets.get(customerId)?.followUpId).toBeUndefined();
    expect(await claimContact(store, claimOf('tm_2', later, second.request.requestId))).toEqual({ kind: 'claimed' });
  });
});

describe('customerFeedbackSummary', () => {
  it('pages through all of the customer’s requests', async () => {
    const store = new PortInMemory();
    const scores = [10, 9, 3, 10, 8];
    for (const [index, score] of scores.entries()) {
      const when = addDays(t0, index * 100);
      const asked = await askManually(store, { customerId, kind: 'nps', delaySeconds: 0 }, when);
      if (asked.kind !== 'requested') throw new Error(asked.kind);
      await answerSurvey(store, { token: tokenOf(asked.link), score }, when);
    }
    expect(await customerFeedbackSummary(store, customerId)).toEqual({ promoterAnswers: 3, lastPromoterAt: addDays(t0, 300), lastDetractorAt: addDays(t0, 200) });
  });
});
