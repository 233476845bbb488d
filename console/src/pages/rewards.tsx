import { useState } from 'preact/hooks';
import type { paths } from '../../../client/src/index.js';
import { fieldError, unwrap, type ShownError } from '../api';
import type { PageProps } from '../app';
import { ErrorBox, Field, formatNumber, Loading, Section } from '../components';
import { useAction, useLoad } from '../hooks';

/**
 * The rewards catalog: every reward (active or not) with its cost, kind, stock and limits; create one, edit one
 * (PUT replaces the reward whole), deactivate or reactivate it. The API checks every field and names the ones at fault.
 */
type Reward = paths['/v1/rewards']['get']['responses']['200']['content']['application/json']['items'][number];
type RewardBody = paths['/v1/rewards/{rewardId}']['put']['requestBody']['content']['application/json'];
type Kind = RewardBody['type']['kind'];

const KINDS: readonly { kind: Kind; label: string }[] = [
  { kind: 'fixed_discount', label: 'Fixed discount' },
  { kind: 'percent_discount', label: 'Percent discount' },
  { kind: 'free_shipping', label: 'Free shipping' },
  { kind: 'free_product', label: 'Free product' },
  { kind: 'custom', label: 'Custom' },
];

interface Draft {
  rewardId: string;
  name: string;
  description: string;
  costPoints: string;
  kind: Kind;
  amount: string;
  currency: string;
  percent: string;
  sku: string;
  details: string;
  stock: string;
  perCustomerLimit: string;
  minimumTier: string;
  active: boolean;
}

const EMPTY: Draft = { rewardId: '', name: '', description: '', costPoints: '', kind: 'fixed_discount', amount: '', currency: 'USD', percent: '', sku: '', details: '', stock: '', perCustomerLimit: '', minimumTier: '', active: true };

function draftOf(reward: Reward): Draft {
  const type = reward.type;
  return {
    ...EMPTY,
    rewardId: reward.rewardId,
    name: reward.name,
    description: reward.description ?? '',
    costPoints: String(reward.costPoints),
    kind: type.kind,
    ...(type.kind === 'fixed_discount' ? { amount: type.amount, currency: type.currency } : {}),
    ...(type.kind === 'percent_discount' ? { percent: String(type.percent) } : {}),
    ...(type.kind === 'free_product' ? { sku: type.sku } : {}),
    ...(type.kind === 'custom' ? { details: type.details } : {}),
    stock: reward.stock === undefined ? '' : String(reward.stock),
    perCustomerLimit: reward.perCustomerLimit === undefined ? '' : String(reward.perCustomerLimit),
    minimumTier: reward.minimumTier ?? '',
    active: reward.active,
  };
}

/** A whole number as typed: anything else is sent as typed, for the API to name the field and say why. */
const integer = (value: string): number | string => (/^-?\d+$/.test(value.trim()) ? Number(value) : value);

function bodyOf(draft: Draft): RewardBody {
  const type =
    draft.kind === 'fixed_discount'
      ? { kind: draft.kind, amount: draft.amount, currency: draft.currency }
      : draft.kind === 'percent_discount'
        ? { kind: draft.kind, percent: integer(draft.percent) }
        : draft.kind === 'free_product'
          ? { kind: draft.kind, sku: draft.sku }
          : draft.kind === 'custom'
            ? { kind: draft.kind, details: draft.details }
            : { kind: draft.kind };
  const body = {
    name: draft.name,
    ...(draft.description.trim() ? { description: draft.description } : {}),
    costPoints: integer(draft.costPoints),
    type,
    active: draft.active,
    ...(draft.stock.trim() ? { stock: integer(draft.stock) } : {}),
    ...(draft.perCustomerLimit.trim() ? { perCustomerLimit: integer(draft.perCustomerLimit) } : {}),
    ...(draft.minimumTier.trim() ? { minimumTier: draft.minimumTier } : {}),
  };
  // Built from the form as typed; the API's schema is the judge of it.
  return body as unknown as RewardBody;
}

export function RewardsPage({ client }: PageProps) {
  const rewards = useLoad(() => unwrap(client.GET('/v1/rewards', { params: { query: { limit: '100' } } })), []);
  const [editing, setEditing] = useState<{ draft: Draft; creating: boolean } | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const toggle = useAction();
  const setActive = (reward: Reward, active: boolean) =>
    void toggle
      .run(async () => {
        await unwrap(client.PUT('/v1/rewards/{rewardId}', { params: { path: { rewardId: reward.rewardId } }, body: bodyOf({ ...draftOf(reward), active }) }));
        setDone(`${reward.name} ${active ? 'reactivated' : 'deactivated'}.`);
      })
      .then((ok) => ok && rewards.reload());
  return (
    <>
      <h1>Rewards</h1>
      <div class="actions">
        <button type="button" onClick={() => (setEditing({ draft: { ...EMPTY, rewardId: `reward-${crypto.randomUUID().slice(0, 8)}` }, creating: true }), setDone(undefined))}>
          New reward
        </button>
      </div>
      {editing && (
        <RewardForm
          key={editing.draft.rewardId}
          client={client}
          initial={editing.draft}
          creating={editing.creating}
          onCancel={() => setEditing(undefined)}
          onSaved={(message) => {
            setEditing(undefined);
            setDone(message);
            rewards.reload();
          }}
        />
      )}
      {done && (
        <p class="success" role="status">
          {done}
        </p>
      )}
      <ErrorBox error={rewards.error ?? toggle.error} />
      {rewards.loading && !rewards.data && <Loading what="rewards" />}
      {rewards.data && rewards.data.items.length === 0 && <p class="muted">No rewards yet.</p>}
      {rewards.data && rewards.data.items.length > 0 && (
        <div class="table-wrap card">
          <table>
            <caption class="sr-only">Rewards</caption>
            <thead>
              <tr>
                <th scope="col">Reward</th>
                <th scope="col" class="num">
                  Cost
                </th>
                <th scope="col">Kind</th>
                <th scope="col" class="num">
                  Stock
                </th>
                <th scope="col">Limits</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rewards.data.items.map((reward) => (
                <tr key={reward.rewardId}>
                  <td>
                    <strong>{reward.name}</strong>
                    <br />
                    <code class="muted">{reward.rewardId}</code>
                  </td>
                  <td class="num">{formatNumber(reward.costPoints)}</td>
                  <td>{kindSummary(reward.type)}</td>
                  <td class="num">{reward.stock === undefined ? 'unlimited' : formatNumber(reward.stock)}</td>
                  <td>
                    {[reward.perCustomerLimit === undefined ? undefined : `${reward.perCustomerLimit} per customer`, reward.minimumTier ? `${reward.minimumTier} and up` : undefined].filter(Boolean).join('; ') || '—'}
                  </td>
                  <td>{reward.active ? 'active' : 'inactive'}</td>
                  <td>
                    <div class="actions">
                      <button type="button" class="secondary" aria-label={`Edit ${reward.name}`} onClick={() => (setEditing({ draft: draftOf(reward), creating: false }), setDone(undefined))}>
                        Edit
                      </button>
                      <button type="button" class="secondary" disabled={toggle.busy} aria-label={`${reward.active ? 'Deactivate' : 'Reactivate'} ${reward.name}`} onClick={() => setActive(reward, !reward.active)}>
                        {reward.active ? 'Deactivate' : 'Reactivate'}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function kindSummary(type: Reward['type']): string {
  switch (type.kind) {
    case 'fixed_discount':
      return `${type.amount} ${type.currency} off`;
    case 'percent_discount':
      return `${type.percent}% off`;
    case 'free_shipping':
      return 'free shipping';
    case 'free_product':
      return `free product ${type.sku}`;
    case 'custom':
      return type.details;
  }
}

function RewardForm(props: { client: PageProps['client']; initial: Draft; creating: boolean; onCancel: () => void; onSaved: (message: string) => void }) {
  const [draft, setDraft] = useState(props.initial);
  const action = useAction();
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const error: ShownError | undefined = action.error;
  const text = (key: 'rewardId' | 'name' | 'description' | 'costPoints' | 'amount' | 'currency' | 'percent' | 'sku' | 'details' | 'stock' | 'perCustomerLimit' | 'minimumTier', label: string, pointer: string, hint?: string) => (
    <Field id={`reward-${key}`} label={label} error={fieldError(error, pointer)} {...(hint ? { hint } : {})}>
      {(describedBy, invalid) => <input id={`reward-${key}`} value={draft[key]} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => set(key, event.currentTarget.value)} />}
    </Field>
  );
  const save = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const body = bodyOf(draft);
      if (props.creating) await unwrap(props.client.POST('/v1/rewards', { body: { ...body, rewardId: draft.rewardId } }));
      else await unwrap(props.client.PUT('/v1/rewards/{rewardId}', { params: { path: { rewardId: draft.rewardId } }, body }));
      props.onSaved(`${draft.name} ${props.creating ? 'created' : 'saved'}.`);
    });
  };
  return (
    <Section title={props.creating ? 'New reward' : `Edit ${props.initial.name}`} id="reward-form">
      <form onSubmit={save} noValidate>
        <div class="grid">
          {props.creating && text('rewardId', 'Reward id', '/rewardId')}
          {text('name', 'Name', '/name')}
          {text('costPoints', 'Cost (points)', '/costPoints')}
          <Field id="reward-kind" label="Kind" error={fieldError(error, '/type/kind') ?? fieldError(error, '/type')}>
            {(describedBy, invalid) => (
              <select id="reward-kind" value={draft.kind} aria-invalid={invalid} aria-describedby={describedBy} onChange={(event) => set('kind', event.currentTarget.value as Kind)}>
                {KINDS.map((option) => (
                  <option key={option.kind} value={option.kind}>
                    {option.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {draft.kind === 'fixed_discount' && text('amount', 'Discount amount', '/type/amount', 'A decimal, e.g. 5.00')}
          {draft.kind === 'fixed_discount' && text('currency', 'Currency', '/type/currency')}
          {draft.kind === 'percent_discount' && text('percent', 'Percent off', '/type/percent')}
          {draft.kind === 'free_product' && text('sku', 'Product SKU', '/type/sku')}
          {draft.kind === 'custom' && text('details', 'Details', '/type/details')}
          {text('stock', 'Stock (empty = unlimited)', '/stock')}
          {text('perCustomerLimit', 'Limit per customer (empty = none)', '/perCustomerLimit')}
          {text('minimumTier', 'Minimum tier (empty = any)', '/minimumTier')}
        </div>
        {text('description', 'Description', '/description')}
        <div class="field checkbox">
          <label>
            <input type="checkbox" checked={draft.active} onChange={(event) => set('active', event.currentTarget.checked)} /> Active (customers can redeem it)
          </label>
        </div>
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            {props.creating ? 'Create reward' : 'Save reward'}
          </button>
          <button type="button" class="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
        <ErrorBox error={error} />
      </form>
    </Section>
  );
}
