import { useState } from 'preact/hooks';
import type { paths } from '../../../client/src/index.js';
import { unwrap } from '../api';
import type { PageProps } from '../app';
import { BarChart, ErrorBox, Field, formatDate, formatNumber, Loading, Section } from '../components';
import { useLoad } from '../hooks';
import { bucketsOf, DAY_MS, isoDay, rangeOf, type Grain } from '../nps-trend';

/**
 * Feedback: NPS over time (one figure per week or month, from the metrics' daily counters in one request), the answers
 * with their comments (filtered by category), and the detractors to follow up (the last 30 days' detractor answers).
 */
type Answer = paths['/v1/feedback/responses']['get']['responses']['200']['content']['application/json']['items'][number];
type Category = 'promoter' | 'passive' | 'detractor';

export function FeedbackPage({ client }: PageProps) {
  return (
    <>
      <h1>Feedback</h1>
      <NpsTrend client={client} />
      <FollowUps client={client} />
      <Answers client={client} />
    </>
  );
}

function NpsTrend({ client }: { client: PageProps['client'] }) {
  const [grain, setGrain] = useState<Grain>('week');
  const range = rangeOf(grain, new Date());
  const metrics = useLoad(() => unwrap(client.GET('/v1/feedback/metrics', { params: { query: { kind: 'nps', ...range } } })), [grain]);
  const buckets = metrics.data ? bucketsOf(grain, range, metrics.data.daily) : [];
  const answered = buckets.filter((bucket) => bucket.responses > 0);
  const title = grain === 'week' ? 'NPS per week, last 12 weeks' : 'NPS per month, last 12 months';
  return (
    <Section
      title="NPS over time"
      id="nps-trend"
      actions={
        <button type="button" class="secondary" onClick={metrics.reload}>
          Refresh
        </button>
      }
    >
      <div class="inline-form">
        <Field id="nps-grain" label="One figure per">
          {() => (
            <select id="nps-grain" value={grain} onChange={(event) => setGrain(event.currentTarget.value as Grain)}>
              <option value="week">week (last 12 weeks)</option>
              <option value="month">month (last 12 months)</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorBox error={metrics.error} />
      {metrics.loading && !metrics.data && <Loading what="NPS" />}
      {metrics.data && (
        <>
          <table class="figures-table" data-testid="nps-summary">
            <caption class="sr-only">
              NPS from {metrics.data.from} to {metrics.data.to}
            </caption>
            <tbody>
              <tr>
                <th scope="row">NPS</th>
                <td class="num">{metrics.data.responses === 0 ? '— (no responses)' : String(metrics.data.nps)}</td>
              </tr>
              <tr>
                <th scope="row">Responses</th>
                <td class="num">{formatNumber(metrics.data.responses)}</td>
              </tr>
              <tr>
                <th scope="row">Response rate</th>
                <td class="num">{metrics.data.responseRate}%</td>
              </tr>
              <tr>
                <th scope="row">Promoters</th>
                <td class="num">
                  {formatNumber(metrics.data.promoters)} ({metrics.data.promoterPercent}%)
                </td>
              </tr>
              <tr>
                <th scope="row">Passives</th>
                <td class="num">
                  {formatNumber(metrics.data.passives)} ({metrics.data.passivePercent}%)
                </td>
              </tr>
              <tr>
                <th scope="row">Detractors</th>
                <td class="num">
                  {formatNumber(metrics.data.detractors)} ({metrics.data.detractorPercent}%)
                </td>
              </tr>
            </tbody>
          </table>
          {answered.length > 0 ? (
            <figure>
              <BarChart title={title} bars={answered.map((bucket) => ({ label: bucket.label, value: bucket.nps }))} />
              <figcaption class="muted">{title}: only periods with answers are drawn; every period is in the table.</figcaption>
            </figure>
          ) : (
            <p class="muted">No survey answers in this range: no trend to draw.</p>
          )}
          <details>
            <summary>{title}: the numbers</summary>
            <div class="table-wrap">
              <table data-testid="nps-trend-table">
                <caption class="sr-only">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{grain === 'week' ? 'Week' : 'Month'}</th>
                    <th scope="col" class="num">
                      Responses
                    </th>
                    <th scope="col" class="num">
                      Promoters
                    </th>
                    <th scope="col" class="num">
                      Passives
                    </th>
                    <th scope="col" class="num">
                      Detractors
                    </th>
                    <th scope="col" class="num">
                      NPS
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {buckets.map((bucket) => (
                    <tr key={bucket.label}>
                      <td>{bucket.label}</td>
                      <td class="num">{formatNumber(bucket.responses)}</td>
                      <td class="num">{formatNumber(bucket.promoters)}</td>
                      <td class="num">{formatNumber(bucket.passives)}</td>
                      <td class="num">{formatNumber(bucket.detractors)}</td>
                      <td class="num">{bucket.responses === 0 ? '—' : bucket.nps}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </Section>
  );
}

/** A page of answers from GET /v1/feedback/responses, with Previous / Next. */
function useAnswers(client: PageProps['client'], query: { category?: Category; from?: string }, key: readonly unknown[]) {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const loaded = useLoad(
    () => unwrap(client.GET('/v1/feedback/responses', { params: { query: { kind: 'nps', limit: '10', ...query, ...(cursor ? { cursor } : {}) } } })),
    [...key, cursor],
  );
  const pager = (
    <div class="pager">
      <button type="button" class="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
        Previous page
      </button>
      <button type="button" class="secondary" disabled={!loaded.data?.nextCursor} onClick={() => loaded.data?.nextCursor && setCursors([...cursors, loaded.data.nextCursor])}>
        Next page
      </button>
    </div>
  );
  return { loaded, pager, reset: () => setCursors([]) };
}

function FollowUps({ client }: { client: PageProps['client'] }) {
  const from = isoDay(new Date(Date.now() - 29 * DAY_MS));
  const { loaded, pager } = useAnswers(client, { category: 'detractor', from }, ['follow-ups']);
  return (
    <Section title="Detractors to follow up" id="follow-ups">
      <p class="muted">NPS answers of 0–6 in the last 30 days, newest first: each links to the customer's page. Each also raised a DetractorAlert event for your help desk.</p>
      <ErrorBox error={loaded.error} />
      {loaded.loading && !loaded.data && <Loading what="detractors" />}
      {loaded.data && loaded.data.items.length === 0 && <p class="muted">No detractors in the last 30 days.</p>}
      {loaded.data && loaded.data.items.length > 0 && (
        <ul class="cards" aria-label="Detractors to follow up">
          {loaded.data.items.map((answer) => (
            <li key={answer.requestId} class="card">
              <p class="card-title">
                <a href={`#/customers/${encodeURIComponent(answer.customerId)}`}>{answer.customerId}</a> scored <strong>{answer.score}</strong>{' '}
                <span class={`badge ${answer.score <= 3 ? 'flagged' : ''}`}>{answer.score <= 3 ? 'urgent' : 'high'}</span>
              </p>
              <p>{answer.comment ? <q>{answer.comment}</q> : <span class="muted">No comment.</span>}</p>
              <p class="muted">
                {formatDate(answer.answeredAt)}, after {triggerLabel(answer.trigger)}
              </p>
            </li>
          ))}
        </ul>
      )}
      {pager}
    </Section>
  );
}

const triggerLabel = (trigger: Answer['trigger']) => (trigger === 'tier_upgrade' ? 'a tier upgrade' : trigger === 'purchase' ? 'a purchase' : 'a manual ask');

function Answers({ client }: { client: PageProps['client'] }) {
  const [category, setCategory] = useState<Category | ''>('');
  const { loaded, pager, reset } = useAnswers(client, category ? { category } : {}, [category]);
  return (
    <Section title="Responses" id="responses">
      <div class="inline-form">
        <Field id="responses-category" label="Category">
          {() => (
            <select
              id="responses-category"
              value={category}
              onChange={(event) => {
                setCategory(event.currentTarget.value as Category | '');
                reset();
              }}
            >
              <option value="">all</option>
              <option value="promoter">promoters (9–10)</option>
              <option value="passive">passives (7–8)</option>
              <option value="detractor">detractors (0–6)</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorBox error={loaded.error} />
      {loaded.loading && !loaded.data && <Loading what="responses" />}
      {loaded.data && loaded.data.items.length === 0 && <p class="muted">No responses.</p>}
      {loaded.data && loaded.data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">NPS responses, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Answered</th>
                <th scope="col">Customer</th>
                <th scope="col" class="num">
                  Score
                </th>
                <th scope="col">Category</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.items.map((answer) => (
                <tr key={answer.requestId}>
                  <td>{formatDate(answer.answeredAt)}</td>
                  <td>
                    <a href={`#/customers/${encodeURIComponent(answer.customerId)}`}>{answer.customerId}</a>
                  </td>
                  <td class="num">{answer.score}</td>
                  <td>{answer.category}</td>
                  <td>{answer.comment ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pager}
    </Section>
  );
}
