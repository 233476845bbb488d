import { RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import type { ChurnReason } from './churn';
import type { Cause, JourneyState } from './journey';
import { decideWinBack, returnedWithin, winBackReport, type JourneySettings, type JourneySettingsInput, type WinBackDecision, type WinBackReport } from './winback';

/** The win-back's storage, in the domain's words. */
export interface WinBackStore {
  getSettings(): Promise<JourneySettings | undefined>;
  saveSettings(settings: JourneySettings, previousVersion: number): Promise<'saved' | 'conflict'>;
  getJourney(customerId: string): Promise<JourneyState | undefined>;
  getWinBack(customerId: string): Promise<WinBackDecision | undefined>;
  /**
   * The decision, the consumed event's marker, the counters and (for an offer) the WinBackOffered outbox item in one
   * transaction. 'duplicate': the notice was already decided; 'conflict': the decision item moved since it was read.
   */
  commitDecision(decision: WinBackDecision, expectedVersion: number, cause: Cause, offer: { readonly reasons: readonly ChurnReason[] } | undefined): Promise<'committed' | 'duplicate' | 'conflict'>;
  /** The return recorded on the decision (once: conditioned on it having none) with its counter. */
  commitReturn(decision: WinBackDecision, returnedAt: string): Promise<'committed' | 'conflict'>;
  winBackTotals(): Promise<Record<string, number>>;
}

const POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 400 };

export type SettingsSave = { kind: 'saved'; settings: JourneySettings } | { kind: 'conflict' };

export async function saveJourneySettings(store: WinBackStore, input: JourneySettingsInput, by: string, now: string): Promise<SettingsSave> {
  const current = await store.getSettings();
  const settings: JourneySettings = { ...input, version: (current?.version ?? 0) + 1, updatedAt: now, updatedBy: by };
  return (await store.saveSettings(settings, current?.version ?? 0)) === 'saved' ? { kind: 'saved', settings } : { kind: 'conflict' };
}

export interface AtRiskEvent {
  readonly customerId: string;
  readonly score: number;
  readonly reasons: readonly ChurnReason[];
  readonly lastPurchaseAt: string;
  readonly assessedAt: string;
}

export type WinBackResult =
  | { readonly kind: 'offered' | 'holdout'; readonly decision: WinBackDecision }
  | { readonly kind: 'disabled' | 'cooling-down' | 'duplicate' | 'erased' };

/**
 * One CustomerAtRisk: the rule decides offer or holdout (or nothing, off or cooling down), recorded with the event's
 * marker so a redelivery decides nothing again; an offer's WinBackOffered commits with it.
 */
export async function handleCustomerAtRisk(store: WinBackStore, event: AtRiskEvent, cause: Cause, now: string): Promise<WinBackResult> {
  return retryOnConflict('win-back decision', POLICY, async () => {
    const [settings, previous, journey] = await Promise.all([store.getSettings(), store.getWinBack(event.customerId), store.getJourney(event.customerId)]);
    if (journey?.erasedAt) return { kind: 'erased' } as const;
    const outcome = decideWinBack(settings?.winBack, event, previous, journey?.purchaseTimes ?? [], now);
    if (outcome.kind !== 'decided') return { kind: outcome.kind } as const;
    const { decision } = outcome;
    const committed = await store.commitDecision(decision, previous?.version ?? 0, cause, decision.group === 'offered' ? { reasons: event.reasons } : undefined);
    if (committed === 'conflict') return RETRY;
    if (committed === 'duplicate') return { kind: 'duplicate' } as const;
    return { kind: decision.group, decision } as const;
  });
}

/**
 * A purchase: when it falls in the return window of the customer's latest decision and none did before, the decision
 * records it and its group's returned counter goes up. Idempotent by the condition: a redelivery finds the return.
 */
export async function recordWinBackReturn(store: WinBackStore, customerId: string, purchaseAt: string): Promise<boolean> {
  return retryOnConflict('win-back return', POLICY, async () => {
    const decision = await store.getWinBack(customerId);
    if (!decision || decision.returnedAt || !returnedWithin(decision.atRiskAt, purchaseAt)) return false;
    return (await store.commitReturn(decision, purchaseAt)) === 'committed' ? true : RETRY;
  });
}

export async function winBack(store: WinBackStore): Promise<WinBackReport> {
  return winBackReport(await store.winBackTotals());
}
