import { useState } from 'preact/hooks';
import type { paths } from '../../../client/src/index.js';
import { fieldError, unwrap } from '../api';
import type { PageProps } from '../app';
import { ErrorBox, Field, formatDate, Loading, Section } from '../components';
import { useAction, useLoad } from '../hooks';

/**
 * Integrations: outbound webhook endpoints (create with a URL and event types, edit, disable, delete behind a
 * confirmation; the signing secret shown once, on create and on rotation), an endpoint's deliveries with their attempts,
 * replay of one delivery or of every failed one since a time; and how storefront API keys are made (the CLI: the API
 * has no route for keys).
 */
type Endpoint = paths['/v1/webhook-endpoints']['get']['responses']['200']['content']['application/json']['items'][number];
type EventType = paths['/v1/webhook-endpoints']['post']['requestBody']['content']['application/json']['eventTypes'][number];
type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** Every deliverable event type, once: a record over the API's union, so the compiler flags one missing or unknown. */
const EVENT_TYPE_SET: Record<EventType, true> = {
  PurchaseRecorded: true,
  PurchaseRefunded: true,
  PointsEarned: true,
  PointsReleased: true,
  PointsReversed: true,
  PointsAdjusted: true,
  PointsExpiringSoon: true,
  PointsExpired: true,
  RewardRedeemed: true,
  RedemptionCancelled: true,
  TierChanged: true,
  ReferralAttributed: true,
  ReferralPending: true,
  ReferralFlagged: true,
  ReferralQualified: true,
  ReferralRewarded: true,
  ReferralWelcomeOffered: true,
  ReferralRejected: true,
  ReferralExpired: true,
  SurveyRequested: true,
  SurveyAnswered: true,
  PromoterIdentified: true,
  DetractorIdentified: true,
  DetractorAlert: true,
  TestimonialRequested: true,
  TestimonialSubmitted: true,
  TestimonialApproved: true,
  TestimonialRejected: true,
  TestimonialWithdrawn: true,
  CaseStudyStageChanged: true,
  WebhookEndpointDisabled: true,
};
const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as EventType[];

export function IntegrationsPage({ client }: PageProps) {
  const endpoints = useLoad(() => unwrap(client.GET('/v1/webhook-endpoints')), []);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ endpointId: string; url: string; secret: string; why: string } | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const chosen = endpoints.data?.items.find((endpoint) => endpoint.endpointId === selected);
  return (
    <>
      <h1>Integrations</h1>
      <Section
        title="Webhook endpoints"
        id="webhook-endpoints"
        actions={
          <button type="button" onClick={() => setCreating(true)} disabled={creating}>
            New endpoint
          </button>
        }
      >
        <p class="muted">
          Each endpoint receives the events it subscribes to as signed Standard Webhooks requests (<code>webhook-id</code>, <code>webhook-timestamp</code>,{' '}
          <code>webhook-signature</code>), retried on a schedule when it fails.
        </p>
        {secret && <SecretShownOnce {...secret} onDismiss={() => setSecret(undefined)} />}
        {done && (
          <p class="success" role="status">
            {done}
          </p>
        )}
        {creating && (
          <EndpointForm
            client={client}
            onCancel={() => setCreating(false)}
            onSaved={(created) => {
              setCreating(false);
              setDone(undefined);
              setSecret({ endpointId: created.endpointId, url: created.url, secret: created.secret, why: 'created' });
              setSelected(created.endpointId);
              endpoints.reload();
            }}
          />
        )}
        <ErrorBox error={endpoints.error} />
        {endpoints.loading && !endpoints.data && <Loading what="webhook endpoints" />}
        {endpoints.data && endpoints.data.items.length === 0 && <p class="muted">No webhook endpoints yet.</p>}
        {endpoints.data && endpoints.data.items.length > 0 && (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">Webhook endpoints</caption>
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Events</th>
                  <th scope="col">Status</th>
                  <th scope="col">Secret made</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {endpoints.data.items.map((endpoint) => (
                  <tr key={endpoint.endpointId} aria-current={endpoint.endpointId === selected ? 'true' : undefined}>
                    <td>
                      <code>{endpoint.url}</code>
                      {endpoint.description && <div class="muted">{endpoint.description}</div>}
                    </td>
                    <td>{endpoint.eventTypes.join(', ')}</td>
                    <td>
                      <EndpointStatus endpoint={endpoint} />
                    </td>
                    <td>{formatDate(endpoint.secretCreatedAt)}</td>
                    <td>
                      <button type="button" class="secondary" aria-label={`Manage ${endpoint.url}`} onClick={() => setSelected(endpoint.endpointId)}>
                        Manage
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      {chosen && (
        <EndpointDetail
          key={chosen.endpointId}
          client={client}
          endpoint={chosen}
          onChanged={(message) => {
            setDone(message);
            endpoints.reload();
          }}
          onSecret={(rotated) => setSecret({ endpointId: rotated.endpointId, url: rotated.url, secret: rotated.secret, why: 'rotated' })}
          onDeleted={(message) => {
            setDone(message);
            setSelected(undefined);
            setSecret(undefined);
            endpoints.reload();
          }}
        />
      )}
      <ApiKeys />
    </>
  );
}

function EndpointStatus({ endpoint }: { endpoint: Endpoint }) {
  if (endpoint.enabled) return <span class={`badge ${endpoint.failingSince ? 'flagged' : 'approved'}`}>{endpoint.failingSince ? `failing since ${formatDate(endpoint.failingSince)}` : 'enabled'}</span>;
  const reason = endpoint.disabled?.reason;
  return <span class="badge rejected">disabled{reason === 'gone' ? ' (the endpoint answered 410)' : reason === 'failing' ? ' (failing for days)' : reason === 'manual' ? ' (by a marketer)' : ''}</span>;
}

function SecretShownOnce(props: { endpointId: string; url: string; secret: string; why: string; onDismiss: () => void }) {
  return (
    <div class="card" role="status" aria-labelledby="secret-title" data-testid="secret-once">
      <h3 id="secret-title">Signing secret for {props.url} ({props.why})</h3>
      <p>
        <code data-testid="secret-value">{props.secret}</code>
      </p>
      <p class="hint">Copy it into your receiver now: it is shown only this once, and the API never returns it again.</p>
      <button type="button" class="secondary" onClick={props.onDismiss}>
        I have stored it
      </button>
    </div>
  );
}

type Created = paths['/v1/webhook-endpoints']['post']['responses']['201']['content']['application/json'];

/** New endpoint (POST) or an endpoint's edit (PATCH): the URL, a description, the event types. */
function EndpointForm(props: { client: PageProps['client']; endpoint?: Endpoint; onCancel: () => void; onSaved: (created: Created) => void; onEdited?: (endpoint: Endpoint) => void }) {
  const editing = props.endpoint;
  const [url, setUrl] = useState(editing?.url ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [types, setTypes] = useState<string[]>(editing?.eventTypes ?? []);
  const action = useAction();
  const prefix = editing ? `edit-${editing.endpointId}` : 'endpoint';
  return (
    <form
      class="card"
      aria-label={editing ? `Edit ${editing.url}` : 'New endpoint'}
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          const eventTypes = types as EventType[];
          if (editing) {
            const updated = await unwrap(
              props.client.PATCH('/v1/webhook-endpoints/{endpointId}', {
                params: { path: { endpointId: editing.endpointId } },
                body: { url, eventTypes, description: description.trim() === '' ? null : description },
              }),
            );
            props.onEdited?.(updated);
          } else {
            props.onSaved(await unwrap(props.client.POST('/v1/webhook-endpoints', { body: { url, eventTypes, ...(description.trim() ? { description } : {}) } })));
          }
        });
      }}
    >
      <h3>{editing ? `Edit ${editing.url}` : 'New endpoint'}</h3>
      <Field id={`${prefix}-url`} label="URL" hint="https:// (http:// only to loopback, on the local runtime); private addresses are refused." error={fieldError(action.error, '/url')}>
        {(describedBy, invalid) => <input id={`${prefix}-url`} type="url" value={url} maxLength={2048} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => setUrl(event.currentTarget.value)} />}
      </Field>
      <Field id={`${prefix}-description`} label="Description (optional)" error={fieldError(action.error, '/description')}>
        {(describedBy, invalid) => <input id={`${prefix}-description`} value={description} maxLength={200} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => setDescription(event.currentTarget.value)} />}
      </Field>
      <fieldset aria-describedby={fieldError(action.error, '/eventTypes') ? `${prefix}-types-error` : undefined}>
        <legend>Event types</legend>
        <div class="grid">
          {EVENT_TYPES.map((type) => (
            <div class="field checkbox" key={type}>
              <label>
                <input
                  type="checkbox"
                  checked={types.includes(type)}
                  onChange={(event) => {
                    const checked = event.currentTarget.checked;
                    setTypes((current) => (checked ? [...current, type] : current.filter((value) => value !== type)));
                  }}
                />
                {type}
              </label>
            </div>
          ))}
        </div>
        {fieldError(action.error, '/eventTypes') && (
          <p class="field-error" id={`${prefix}-types-error`}>
            {fieldError(action.error, '/eventTypes')}
          </p>
        )}
      </fieldset>
      <div class="actions">
        <button type="submit" disabled={action.busy}>
          {editing ? 'Save endpoint' : 'Create endpoint'}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      <ErrorBox error={action.error} />
    </form>
  );
}

function EndpointDetail(props: {
  client: PageProps['client'];
  endpoint: Endpoint;
  onChanged: (message: string) => void;
  onSecret: (rotated: Created) => void;
  onDeleted: (message: string) => void;
}) {
  const { client, endpoint } = props;
  const path = { params: { path: { endpointId: endpoint.endpointId } } };
  const action = useAction();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const deliveries = useLoad(
    () => unwrap(client.GET('/v1/webhook-endpoints/{endpointId}/deliveries', { params: { path: { endpointId: endpoint.endpointId }, query: { limit: '10', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } } })),
    [endpoint.endpointId, status, cursor],
  );
  const [since, setSince] = useState(() => new Date(Date.now() - 86_400_000).toISOString().slice(0, 16));
  const [notice, setNotice] = useState<string | undefined>(undefined);
  return (
    <Section
      title={`Endpoint ${endpoint.url}`}
      id="endpoint-detail"
      actions={
        <button type="button" class="secondary" onClick={deliveries.reload}>
          Refresh deliveries
        </button>
      }
    >
      <dl class="pairs">
        <dt>Id</dt>
        <dd>
          <code>{endpoint.endpointId}</code>
        </dd>
        <dt>Status</dt>
        <dd>
          <EndpointStatus endpoint={endpoint} />
        </dd>
        <dt>Created</dt>
        <dd>
          {formatDate(endpoint.createdAt)} by {endpoint.createdBy}
        </dd>
        {endpoint.previousSecretExpiresAt && (
          <>
            <dt>Previous secret</dt>
            <dd>still signs until {formatDate(endpoint.previousSecretExpiresAt)}</dd>
          </>
        )}
      </dl>
      <div class="actions">
        <button type="button" class="secondary" disabled={editing} onClick={() => setEditing(true)}>
          Edit
        </button>
        <button
          type="button"
          class="secondary"
          disabled={action.busy}
          onClick={() => void action.run(async () => {
            await unwrap(client.PATCH('/v1/webhook-endpoints/{endpointId}', { ...path, body: { enabled: !endpoint.enabled } }));
            props.onChanged(`${endpoint.url} ${endpoint.enabled ? 'disabled' : 'enabled'}.`);
          })}
        >
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          class="secondary"
          disabled={action.busy}
          onClick={() => void action.run(async () => {
            props.onSecret(await unwrap(client.POST('/v1/webhook-endpoints/{endpointId}/secret-rotations', { ...path, body: {} })));
            props.onChanged(`Secret of ${endpoint.url} rotated: the previous one keeps signing for the overlap.`);
          })}
        >
          Rotate secret
        </button>
        <button type="button" class="danger" disabled={action.busy || confirming} onClick={() => setConfirming(true)}>
          Delete endpoint…
        </button>
      </div>
      {confirming && (
        <div class="confirm" role="alertdialog" aria-labelledby="delete-endpoint-title" aria-describedby="delete-endpoint-detail">
          <h3 id="delete-endpoint-title">Delete the endpoint {endpoint.url}?</h3>
          <p id="delete-endpoint-detail">Nothing more is sent to it. Its delivery log stays for the retention period. This cannot be undone.</p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={action.busy}
              onClick={() => void action.run(async () => {
                await unwrap(client.DELETE('/v1/webhook-endpoints/{endpointId}', path));
                props.onDeleted(`${endpoint.url} deleted.`);
              })}
            >
              Delete {endpoint.url}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Keep the endpoint
            </button>
          </div>
        </div>
      )}
      {editing && (
        <EndpointForm
          client={client}
          endpoint={endpoint}
          onCancel={() => setEditing(false)}
          onSaved={() => undefined}
          onEdited={(updated) => {
            setEditing(false);
            props.onChanged(`${updated.url} saved.`);
          }}
        />
      )}
      <ErrorBox error={action.error} />

      <h3>Deliveries</h3>
      <div class="inline-form">
        <Field id="delivery-status" label="Status">
          {() => (
            <select
              id="delivery-status"
              value={status}
              onChange={(event) => {
                setStatus(event.currentTarget.value as DeliveryStatus | '');
                setCursors([]);
              }}
            >
              <option value="">all</option>
              <option value="pending">pending</option>
              <option value="succeeded">succeeded</option>
              <option value="failed">failed</option>
            </select>
          )}
        </Field>
      </div>
      {notice && (
        <p class="success" role="status">
          {notice}
        </p>
      )}
      <ErrorBox error={deliveries.error} />
      {deliveries.loading && !deliveries.data && <Loading what="deliveries" />}
      {deliveries.data && deliveries.data.items.length === 0 && <p class="muted">No deliveries{status ? ` ${status}` : ''} yet.</p>}
      {deliveries.data && deliveries.data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Occurred</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col">Last attempt</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.items.map((delivery) => {
                const last = delivery.attempts[delivery.attempts.length - 1];
                return (
                  <tr key={delivery.messageId}>
                    <td>
                      {delivery.eventType}
                      <div class="muted">
                        <code>{delivery.messageId}</code>
                      </div>
                    </td>
                    <td>{formatDate(delivery.occurredAt)}</td>
                    <td>
                      <span class={`badge ${delivery.status === 'succeeded' ? 'approved' : delivery.status === 'failed' ? 'rejected' : ''}`}>{delivery.status}</span>
                      {delivery.failedReason && <div class="muted">{delivery.failedReason}</div>}
                      {delivery.nextAttemptAt && <div class="muted">next {formatDate(delivery.nextAttemptAt)}</div>}
                    </td>
                    <td class="num">{delivery.attemptCount}</td>
                    <td>
                      {last
                        ? `${last.trigger}: ${last.outcome}${last.status !== undefined ? ` (${last.status})` : ''}${last.latencyMs !== undefined ? `, ${last.latencyMs} ms` : ''}${last.error ? `, ${last.error}` : ''}`
                        : '—'}
                    </td>
                    <td>
                      <button
                        type="button"
                        class="secondary"
                        disabled={action.busy}
                        aria-label={`Replay ${delivery.eventType} ${delivery.messageId}`}
                        onClick={() => void action.run(async () => {
                          const replayed = await unwrap(client.POST('/v1/webhook-endpoints/{endpointId}/deliveries/{messageId}/replay', { params: { path: { endpointId: endpoint.endpointId, messageId: delivery.messageId } } }));
                          setNotice(`${delivery.eventType} ${delivery.messageId} replayed: ${replayed.status}, ${replayed.attemptCount} attempts.`);
                          deliveries.reload();
                        })}
                      >
                        Replay
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div class="pager">
        <button type="button" class="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" class="secondary" disabled={!deliveries.data?.nextCursor} onClick={() => deliveries.data?.nextCursor && setCursors([...cursors, deliveries.data.nextCursor])}>
          Next page
        </button>
      </div>
      <form
        class="inline-form"
        aria-label="Replay failed deliveries"
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(async () => {
            let scheduled = 0;
            let next: string | undefined;
            // The API schedules a page at a time: follow nextCursor until every failed delivery since then is scheduled.
            do {
              const page = await unwrap(client.POST('/v1/webhook-endpoints/{endpointId}/replays', { ...path, body: { since: new Date(`${since}:00Z`).toISOString(), ...(next ? { cursor: next } : {}) } }));
              scheduled += page.scheduled;
              next = page.nextCursor;
            } while (next);
            setNotice(`${scheduled} failed ${scheduled === 1 ? 'delivery' : 'deliveries'} since ${since} UTC scheduled again (sent within a minute).`);
            deliveries.reload();
          });
        }}
      >
        <Field id="replay-since" label="Replay every failed delivery since (UTC)" error={fieldError(action.error, '/since')}>
          {(describedBy, invalid) => <input id="replay-since" type="datetime-local" value={since} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => setSince(event.currentTarget.value)} />}
        </Field>
        <button type="submit" class="secondary" disabled={action.busy || since === ''}>
          Replay failed
        </button>
      </form>
    </Section>
  );
}

function ApiKeys() {
  return (
    <Section title="Storefront API keys" id="api-keys">
      <p>
        A storefront calls the API with a key in the <code>x-api-key</code> header. Keys are made and revoked by an operator with the <code>loyalty</code> CLI, against the
        deployment's tables (the API has no route for keys, so no web page can mint one):
      </p>
      <pre>
        <code>
          {`npx loyalty keys create --store <storeId> [--json]   # prints the key once; only its hash is stored
npx loyalty keys list --store <storeId> [--json]     # the store's keys, never their secrets
npx loyalty keys revoke <keyId>                      # effective within the authorizer cache TTL (5 min)`}
        </code>
      </pre>
      <p class="muted">
        On AWS add the region and stage, e.g. <code>AWS_REGION=eu-west-1 npx loyalty keys create --store my-shop --stage prod</code>. Each key belongs to one store: the
        purchases it records and reads are that store's.
      </p>
    </Section>
  );
}
