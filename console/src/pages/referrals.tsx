import { useState } from 'preact/hooks';
import { fieldError, unwrap, type Schemas } from '../api';
import type { PageProps } from '../app';
import { ErrorBox, Field, formatDate, Loading } from '../components';
import { useAction, useLoad } from '../hooks';

type Referral = Schemas['Referral'];
const STATUSES = ['flagged', 'pending', 'attributed', 'qualified', 'rewarded', 'rejected', 'expired'] as const;
type Status = (typeof STATUSES)[number];

/** The referral review queue: flagged referrals first (the fraud rules' reasons shown), approve, reject with a reason, ban an advocate. */
export function ReferralsPage({ client }: PageProps) {
  const [status, setStatus] = useState<Status>('flagged');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const referrals = useLoad(() => unwrap(client.GET('/v1/referrals', { params: { query: { status, limit: '20', ...(cursor ? { cursor } : {}) } } })), [status, cursor]);
  const [done, setDone] = useState<string | undefined>(undefined);
  return (
    <>
      <h1>Referrals</h1>
      <div class="inline-form">
        <Field id="referral-status" label="Status">
          {() => (
            <select
              id="referral-status"
              value={status}
              onChange={(event) => {
                setStatus(event.currentTarget.value as Status);
                setCursors([]);
              }}
            >
              {STATUSES.map((value) => (
                <option key={value} value={value}>
                  {value === 'flagged' ? 'flagged (review queue)' : value}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {done && (
        <p class="success" role="status">
          {done}
        </p>
      )}
      <ErrorBox error={referrals.error} />
      {referrals.loading && !referrals.data && <Loading what="referrals" />}
      {referrals.data && referrals.data.items.length === 0 && <p class="muted">No {status} referrals.</p>}
      <ul class="cards" aria-label={`${status} referrals`}>
        {referrals.data?.items.map((referral) => (
          <ReferralCard
            key={referral.referralId}
            client={client}
            referral={referral}
            onDone={(message) => {
              setDone(message);
              referrals.reload();
            }}
          />
        ))}
      </ul>
      <div class="pager">
        <button type="button" class="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" class="secondary" disabled={!referrals.data?.nextCursor} onClick={() => referrals.data?.nextCursor && setCursors([...cursors, referrals.data.nextCursor])}>
          Next page
        </button>
      </div>
    </>
  );
}

function ReferralCard({ client, referral, onDone }: { client: PageProps['client']; referral: Referral; onDone: (message: string) => void }) {
  const action = useAction();
  const [reason, setReason] = useState('');
  const [banReason, setBanReason] = useState('');
  const reviewable = referral.status === 'flagged' || referral.status === 'pending';
  const id = referral.referralId;
  const path = { params: { path: { referralId: id } } };
  return (
    <li class="card" aria-labelledby={`referral-${id}`}>
      <h2 id={`referral-${id}`} class="card-title">
        Referral <code>{id}</code> <span class={`badge ${referral.status}`}>{referral.status}</span>
      </h2>
      <dl class="pairs">
        <dt>Advocate</dt>
        <dd>
          <a href={`#/customers/${encodeURIComponent(referral.advocateCustomerId)}`}>{referral.advocateCustomerId}</a>
        </dd>
        <dt>Referred</dt>
        <dd>
          <a href={`#/customers/${encodeURIComponent(referral.refereeCustomerId)}`}>{referral.refereeCustomerId}</a>
        </dd>
        <dt>Code</dt>
        <dd>
          <code>{referral.code}</code> (via {referral.via})
        </dd>
        <dt>Attributed</dt>
        <dd>{formatDate(referral.attributedAt)}</dd>
        {referral.order && (
          <>
            <dt>Order</dt>
            <dd>
              {referral.order.orderId}: {(referral.order.amountMinor / 100).toFixed(2)} {referral.order.currency}
            </dd>
          </>
        )}
        {referral.rejection && (
          <>
            <dt>Rejected</dt>
            <dd>
              {referral.rejection.reason} (by {referral.rejection.by}, {formatDate(referral.rejection.at)})
            </dd>
          </>
        )}
      </dl>
      {referral.flags.length > 0 && (
        <>
          <h3>Why it was flagged</h3>
          <ul class="flags">
            {referral.flags.map((flag) => (
              <li key={`${flag.rule}-${flag.at}`}>
                <strong>{flag.rule}</strong>: {flag.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {reviewable && (
        <div class="actions">
          <button
            type="button"
            disabled={action.busy}
            aria-label={`Approve referral ${id}`}
            onClick={() => void action.run(async () => {
              await unwrap(client.POST('/v1/referrals/{referralId}/approve', path));
              onDone(`Referral ${id} approved.`);
            })}
          >
            Approve
          </button>
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              void action.run(async () => {
                await unwrap(client.POST('/v1/referrals/{referralId}/reject', { ...path, body: { reason } }));
                onDone(`Referral ${id} rejected.`);
              });
            }}
          >
            <Field id={`reject-${id}`} label="Reason to reject" error={fieldError(action.error, '/reason')}>
              {(describedBy, invalid) => <input id={`reject-${id}`} value={reason} maxLength={500} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => setReason(event.currentTarget.value)} />}
            </Field>
            <button type="submit" class="secondary" disabled={action.busy}>
              Reject
            </button>
          </form>
        </div>
      )}
      <details class="ban">
        <summary>Ban advocate {referral.advocateCustomerId}</summary>
        <form
          class="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(async () => {
              const result = await unwrap(client.POST('/v1/referral-advocates/{customerId}/ban', { params: { path: { customerId: referral.advocateCustomerId } }, body: { reason: banReason } }));
              onDone(`Advocate ${result.customerId} banned; ${result.voided} open referral(s) voided.`);
            });
          }}
        >
          <Field id={`ban-${id}`} label="Reason to ban">
            {() => <input id={`ban-${id}`} value={banReason} maxLength={500} onInput={(event) => setBanReason(event.currentTarget.value)} />}
          </Field>
          <button type="submit" class="danger" disabled={action.busy}>
            Ban advocate
          </button>
        </form>
      </details>
      <ErrorBox error={action.error} />
    </li>
  );
}
