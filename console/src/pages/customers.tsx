import { useEffect, useRef, useState } from 'preact/hooks';
import { fieldError, unwrap } from '../api';
import type { PageProps } from '../app';
import { ErrorBox, Field, formatDate, formatNumber, Loading, Section } from '../components';
import { useAction, useLoad } from '../hooks';
import { navigate } from '../router';

/**
 * Customers: look one up by id (the API has no search by email or name yet), then their balance and tier, the
 * ledger page by page with every entry's reason, point adjustments, redemptions (cancel), purchases and refunds, their
 * referral code's results, export and erasure.
 */
export function CustomersPage(props: PageProps & { customerId: string | undefined }) {
  const [query, setQuery] = useState(props.customerId ?? '');
  useEffect(() => setQuery(props.customerId ?? ''), [props.customerId]);
  return (
    <>
      <h1>Customers</h1>
      <form
        class="inline-form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          if (query.trim()) navigate({ page: 'customers', customerId: query.trim() });
        }}
      >
        <Field id="customer-search" label="Customer id" hint="The id your store sends with purchases, e.g. demo-customer.">
          {(describedBy) => <input id="customer-search" type="search" required value={query} aria-describedby={describedBy} onInput={(event) => setQuery(event.currentTarget.value)} />}
        </Field>
        <button type="submit">Look up</button>
      </form>
      {props.customerId && <Customer key={props.customerId} {...props} customerId={props.customerId} />}
    </>
  );
}

function Customer(props: PageProps & { customerId: string }) {
  const { client, customerId } = props;
  const path = { params: { path: { customerId } } };
  const [ledgerVersion, setLedgerVersion] = useState(0);
  const balance = useLoad(() => unwrap(client.GET('/v1/customers/{customerId}/loyalty', path)), [customerId, ledgerVersion]);
  const changed = () => setLedgerVersion((value) => value + 1);
  return (
    <div class="customer">
      <h2 class="customer-name">
        Customer <code>{customerId}</code>
      </h2>
      <Section title="Balance and tier" id="balance">
        {balance.loading && !balance.data && <Loading what="the balance" />}
        <ErrorBox error={balance.error} />
        {balance.data && (
          <dl class="figures">
            <div>
              <dt>Available points</dt>
              <dd data-testid="available">{formatNumber(balance.data.available)}</dd>
            </div>
            <div>
              <dt>Pending</dt>
              <dd>{formatNumber(balance.data.pending)}</dd>
            </div>
            <div>
              <dt>Lifetime earned</dt>
              <dd>{formatNumber(balance.data.lifetimeEarned)}</dd>
            </div>
            <div>
              <dt>Redeemed</dt>
              <dd>{formatNumber(balance.data.redeemed)}</dd>
            </div>
            <div>
              <dt>Expired</dt>
              <dd>{formatNumber(balance.data.expired)}</dd>
            </div>
            <div>
              <dt>Tier</dt>
              <dd>{balance.data.tier?.name ?? 'None'}</dd>
            </div>
            <div>
              <dt>Next tier</dt>
              <dd>{balance.data.nextTier ? `${balance.data.nextTier.name}: ${balance.data.nextTier.remainingSpend} ${balance.data.nextTier.currency} to go` : 'Top tier'}</dd>
            </div>
            {balance.data.expiringSoon && (
              <div>
                <dt>Expiring soon</dt>
                <dd>
                  {formatNumber(balance.data.expiringSoon.points)} on {formatDate(balance.data.expiringSoon.expiresAt)}
                </dd>
              </div>
            )}
          </dl>
        )}
      </Section>
      <AdjustPoints {...props} onAdjusted={changed} />
      <Ledger {...props} version={ledgerVersion} />
      <Redemptions {...props} onChanged={changed} />
      <Purchases {...props} />
      <Advocacy {...props} />
      <PrivacyActions {...props} />
    </div>
  );
}

function AdjustPoints(props: PageProps & { customerId: string; onAdjusted: () => void }) {
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | undefined>(undefined);
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    setDone(undefined);
    void action
      .run(async () => {
        // A fresh id per submission: retrying the same request never adjusts twice (the API is idempotent on it).
        const body = { adjustmentId: crypto.randomUUID(), points: Number(points), reason };
        const result = await unwrap(props.client.POST('/v1/customers/{customerId}/adjustments', { params: { path: { customerId: props.customerId } }, body }));
        setDone(`Adjusted by ${formatNumber(body.points)}: ${formatNumber(result.balance.available)} available now.`);
      })
      .then((ok) => {
        if (ok) {
          setPoints('');
          setReason('');
          props.onAdjusted();
        }
      });
  };
  return (
    <Section title="Adjust points" id="adjust">
      <form class="inline-form" onSubmit={submit} noValidate>
        <Field id="adjust-points" label="Points (negative to deduct)" error={fieldError(action.error, '/points')}>
          {(describedBy, invalid) => <input id="adjust-points" inputMode="numeric" value={points} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => setPoints(event.currentTarget.value)} />}
        </Field>
        <Field id="adjust-reason" label="Reason" error={fieldError(action.error, '/reason')}>
          {(describedBy, invalid) => <input id="adjust-reason" value={reason} maxLength={500} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => setReason(event.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={action.busy}>
          Adjust
        </button>
      </form>
      <ErrorBox error={action.error} />
      {done && (
        <p class="success" role="status">
          {done}
        </p>
      )}
    </Section>
  );
}

const LEDGER_PAGE = 10;

/** An entry's explanation, step by step: each step's own description when it has one ("120.00 USD × 1 point per USD"). */
function explain(steps: readonly Record<string, unknown>[] | undefined): string {
  if (!steps || steps.length === 0) return '—';
  return steps
    .map((step) => (typeof step.description === 'string' ? step.description : Object.entries(step).map(([key, value]) => `${key}: ${String(value)}`).join(', ')))
    .join('; ');
}

function Ledger(props: PageProps & { customerId: string; version: number }) {
  // The cursors of the pages before this one: "Newer" goes back, "Older" follows nextCursor.
  const [cursors, setCursors] = useState<string[]>([]);
  useEffect(() => setCursors([]), [props.version]);
  const cursor = cursors[cursors.length - 1];
  const ledger = useLoad(
    () => unwrap(props.client.GET('/v1/customers/{customerId}/ledger', { params: { path: { customerId: props.customerId }, query: { limit: String(LEDGER_PAGE), ...(cursor ? { cursor } : {}) } } })),
    [props.customerId, cursor, props.version],
  );
  return (
    <Section title="Ledger" id="ledger">
      <ErrorBox error={ledger.error} />
      {ledger.loading && !ledger.data && <Loading what="the ledger" />}
      {ledger.data && ledger.data.items.length === 0 && <p class="muted">No ledger entries yet.</p>}
      {ledger.data && ledger.data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Ledger entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Type</th>
                <th scope="col" class="num">
                  Points
                </th>
                <th scope="col">Reason</th>
                <th scope="col">Explanation</th>
                <th scope="col" class="num">
                  Available after
                </th>
              </tr>
            </thead>
            <tbody>
              {ledger.data.items.map((entry) => (
                <tr key={entry.entryId}>
                  <td>{formatDate(entry.createdAt)}</td>
                  <td>{entry.type}</td>
                  <td class="num">{formatNumber(entry.points)}</td>
                  <td>
                    {entry.reason}
                    {entry.by ? <span class="muted"> — by {entry.by}</span> : null}
                  </td>
                  <td>{explain(entry.explanation)}</td>
                  <td class="num">{formatNumber(entry.balanceAfter.available)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="pager">
        <button type="button" class="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer entries
        </button>
        <button type="button" class="secondary" disabled={!ledger.data?.nextCursor} onClick={() => ledger.data?.nextCursor && setCursors([...cursors, ledger.data.nextCursor])}>
          Older entries
        </button>
      </div>
    </Section>
  );
}

function Redemptions(props: PageProps & { customerId: string; onChanged: () => void }) {
  const redemptions = useLoad(() => unwrap(props.client.GET('/v1/customers/{customerId}/redemptions', { params: { path: { customerId: props.customerId }, query: { limit: '50' } } })), [props.customerId]);
  const action = useAction();
  const cancel = (redemptionId: string) =>
    void action
      .run(async () => {
        await unwrap(props.client.POST('/v1/redemptions/{redemptionId}/cancel', { params: { path: { redemptionId } } }));
      })
      .then((ok) => {
        if (ok) {
          redemptions.reload();
          props.onChanged();
        }
      });
  return (
    <Section title="Redemptions" id="redemptions">
      <ErrorBox error={redemptions.error ?? action.error} />
      {redemptions.data && redemptions.data.items.length === 0 && <p class="muted">No redemptions.</p>}
      {redemptions.data && redemptions.data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Reward</th>
                <th scope="col" class="num">
                  Points
                </th>
                <th scope="col">Coupon</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {redemptions.data.items.map((redemption) => (
                <tr key={redemption.redemptionId}>
                  <td>{redemption.rewardName}</td>
                  <td class="num">{formatNumber(redemption.pointsSpent)}</td>
                  <td>
                    <code>{redemption.couponCode}</code>
                  </td>
                  <td>{redemption.status}</td>
                  <td>{formatDate(redemption.createdAt)}</td>
                  <td>
                    {redemption.status === 'active' && (
                      <button type="button" class="secondary" disabled={action.busy} onClick={() => cancel(redemption.redemptionId)} aria-label={`Cancel the redemption of ${redemption.rewardName} (${redemption.couponCode})`}>
                        Cancel
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function Purchases(props: PageProps & { customerId: string }) {
  const purchases = useLoad(() => unwrap(props.client.GET('/v1/customers/{customerId}/purchases', { params: { path: { customerId: props.customerId }, query: { limit: '20' } } })), [props.customerId]);
  return (
    <Section title="Purchases and refunds" id="purchases">
      <ErrorBox error={purchases.error} />
      {purchases.data && purchases.data.items.length === 0 && <p class="muted">No purchases.</p>}
      {purchases.data && purchases.data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Purchases, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">When</th>
                <th scope="col" class="num">
                  Amount
                </th>
                <th scope="col" class="num">
                  Refunded
                </th>
                <th scope="col">Refunds</th>
              </tr>
            </thead>
            <tbody>
              {purchases.data.items.map((purchase) => (
                <tr key={`${purchase.storeId}/${purchase.orderId}`}>
                  <td>
                    <code>{purchase.orderId}</code>
                    {purchase.referralCode ? <span class="muted"> (referral {purchase.referralCode})</span> : null}
                  </td>
                  <td>{formatDate(purchase.occurredAt)}</td>
                  <td class="num">
                    {purchase.amount} {purchase.currency}
                  </td>
                  <td class="num">{purchase.refundedAmountMinor > 0 ? `${purchase.refundedAmount} ${purchase.currency}` : '—'}</td>
                  <td>{purchase.refunds?.length ? purchase.refunds.map((refund) => `${refund.amount} ${refund.currency}${refund.reason ? ` (${refund.reason})` : ''} on ${formatDate(refund.createdAt)}`).join('; ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** Their referral code and what it brought, if they have one (the API answers 404 when they never asked for one). */
function Advocacy(props: PageProps & { customerId: string }) {
  const code = useLoad(async () => {
    const result = await props.client.GET('/v1/customers/{customerId}/referral-code', { params: { path: { customerId: props.customerId } } });
    if (result.response.status === 404) return undefined;
    return unwrap(result);
  }, [props.customerId]);
  return (
    <Section title="As an advocate" id="advocacy">
      <ErrorBox error={code.error} />
      {!code.loading && !code.error && !code.data && <p class="muted">No referral code.</p>}
      {code.data && (
        <>
          <p>
            Code <code>{code.data.code}</code> ({code.data.status}), link <code>{code.data.link}</code>
          </p>
          <dl class="figures">
            {(['clicks', 'referred', 'pending', 'flagged', 'qualified', 'rewarded', 'rejected', 'expired', 'pendingRewardPoints'] as const).map((key) => (
              <div key={key}>
                <dt>{key === 'pendingRewardPoints' ? 'Reward points pending' : key[0]?.toUpperCase() + key.slice(1)}</dt>
                <dd>{formatNumber(code.data?.stats[key] ?? 0)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </Section>
  );
}

function PrivacyActions(props: PageProps & { customerId: string }) {
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [erased, setErased] = useState<string | undefined>(undefined);
  const confirmBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (confirming) confirmBox.current?.querySelector('input')?.focus();
  }, [confirming]);
  const exportData = () =>
    void action.run(async () => {
      const data = await unwrap(props.client.GET('/v1/customers/{customerId}/export', { params: { path: { customerId: props.customerId } } }));
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: `customer-${props.customerId}-export.json` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  const erase = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const result = await unwrap(props.client.DELETE('/v1/customers/{customerId}', { params: { path: { customerId: props.customerId } } }));
      setErased(`Erasure of ${result.customerId} requested (request ${result.requestId}); every service confirms on its own.`);
      setConfirming(false);
      setTyped('');
    });
  };
  return (
    <Section title="Privacy" id="privacy">
      <div class="actions">
        <button type="button" class="secondary" disabled={action.busy} onClick={exportData}>
          Export data (JSON)
        </button>
        <button type="button" class="danger" disabled={action.busy || confirming} onClick={() => setConfirming(true)}>
          Erase customer…
        </button>
      </div>
      {confirming && (
        <div class="confirm" role="alertdialog" aria-labelledby="erase-title" aria-describedby="erase-detail" ref={confirmBox}>
          <h3 id="erase-title">Erase customer {props.customerId}?</h3>
          <p id="erase-detail">
            Every service deletes or anonymises what it holds about <strong>{props.customerId}</strong>. This cannot be undone. Type the customer id to confirm.
          </p>
          <form class="inline-form" onSubmit={erase}>
            <Field id="erase-confirm" label={`Type ${props.customerId} to confirm`}>
              {() => <input id="erase-confirm" value={typed} autoComplete="off" onInput={(event) => setTyped(event.currentTarget.value)} />}
            </Field>
            <button type="submit" class="danger" disabled={typed !== props.customerId || action.busy}>
              Erase {props.customerId}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Keep the customer
            </button>
          </form>
        </div>
      )}
      <ErrorBox error={action.error} />
      {erased && (
        <p class="success" role="status">
          {erased}
        </p>
      )}
    </Section>
  );
}
