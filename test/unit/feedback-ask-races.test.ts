import { demoFeedbackSettings, type FeedbackSettings } from '../../functions/feedback/domain/settings';
import type { FeedbackStore, RequestChange } from '../../functions/feedback/domain/store';
import type { ContactBudget, SurveyRequest } from '../../functions/feedback/domain/survey';
import { askAfterTierUpgrade } from '../../functions/feedback/domain/use-cases';

/**
 * Interleavings of one trigger delivered twice, forced step by step against the port's contract (a commit is
 * all-or-nothing and conditioned on the versions read). The integration suite runs the same race on DynamoDB Local,
 * where the losing interleaving shows up only now and then; here it is made to happen every time.
 */
class PortInMemory implements FeedbackStore {
  readonly requests = new Map<string, SurveyRequest>();
  readonly budgets = new Map<string, ContactBudget>();
  /** Runs once, after the first read of a request or a budget has taken its value: another delivery slips in there. */
  beforeFirstRead?: () => Promise<void>;
  private readonly settings: FeedbackSettings = { ...demoFeedbackSettings('https://loyalty.example.com'), version: 1, updatedAt: '2032-01-01T00:00:00.000Z', updatedBy: 'test' };

  private async pause(): Promise<void> {
    const hook = this.beforeFirstRead;
    this.beforeFirstRead = undefined;
    if (hook) await hook();
  }
  async getSettings() { return this.settings; }
  async getSettingsCached() { return this.settings; }
  async saveSettings(): Promise<'saved' | 'conflict'> { throw new Error('not used'); }
  async tokenKey() { return 'a'.repeat(64); }
  async getBudget(customerId: string) { const read = this.budgets.get(customerId); await this.pause(); return read; }
  async getRequest(requestId: string) { const read = this.requests.get(requestId); await this.pause(); return read; }
  async commit(change: RequestChange): Promise<'committed' | 'conflict' | 'exists'> {
    const current = this.requests.get(change.request.requestId);
    if (change.expectedVersion === 0 ? current : current?.version !== change.expectedVersion) return change.expectedVersion === 0 ? 'exists' : 'conflict';
    if (change.budget && (this.budgets.get(change.request.customerId)?.version ?? 0) !== change.budget.expectedVersion) return 'conflict';
    this.requests.set(change.request.requestId, change.request);
    if (change.budget) this.budgets.set(change.request.customerId, change.budget.next);
    return 'committed';
  }
  async dueRequests() { return { items: [] }; }
  async metricsDays() { return []; }
  async answers(): Promise<never> { throw new Error('not used'); }
  async customerRequests() { return { items: [] }; }
}

describe('one tier upgrade delivered twice, the second delivery overtaken between its reads', () => {
  const at = '2032-06-01T10:00:00.000Z';
  const upgrade = { eventId: 'evt-tier-1', customerId: 'cust-1', to: 'Silver', direction: 'up' as const };

  it('answers the redelivery "exists" (the same ask), never "throttled" by the budget its own first delivery spent', async () => {
    const store = new PortInMemory();
    let first: Awaited<ReturnType<typeof askAfterTierUpgrade>> | undefined;
    // The redelivery takes its first read; before its second, the first delivery runs to its commit.
    store.beforeFirstRead = async () => { first = await askAfterTierUpgrade(store, upgrade, at); };
    const redelivery = await askAfterTierUpgrade(store, upgrade, at);
    expect(first?.kind).toBe('requested');
    expect(redelivery.kind).toBe('exists');
    expect([...store.requests.values()]).toHaveLength(1);
  });

  it('still throttles a different ask for the same customer that arrives after the first one spent the budget', async () => {
    const store = new PortInMemory();
    store.beforeFirstRead = async () => { await askAfterTierUpgrade(store, upgrade, at); };
    const other = await askAfterTierUpgrade(store, { ...upgrade, eventId: 'evt-tier-2', to: 'Gold' }, at);
    expect(other.kind).toBe('throttled');
    expect([...store.requests.values()]).toHaveLength(1);
  });
});
