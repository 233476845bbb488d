import type { ComponentChildren } from 'preact';
import { unwrap, type LoyaltyClient } from '../api';
import type { PageProps } from '../app';
import { BarChart, ErrorBox, formatNumber, Loading, Section } from '../components';
import { useLoad } from '../hooks';

/**
 * The dashboard is a list of panels, each loading its own figures from one or more API routes and showing them as a
 * table (and a chart where a trend reads better as one). Only figures the API serves today are here: NPS over the last
 * 30 days, referrals by status, testimonials by status. Members, points liability, redemption rate, the journey funnel
 * and cohort retention need routes the API does not have yet; each becomes one more entry in PANELS when it lands.
 */
interface Figure {
  readonly label: string;
  readonly value: string;
}

interface PanelData {
  readonly figures: readonly Figure[];
  /** A trend to draw, when there is one; its numbers are listed in a table beneath it. */
  readonly chart?: { readonly title: string; readonly bars: readonly { label: string; value: number }[]; readonly caption: string };
  readonly note?: string;
}

export interface DashboardPanel {
  readonly id: string;
  readonly title: string;
  load(client: LoyaltyClient, today: Date): Promise<PanelData>;
}

const DAY_MS = 86_400_000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Counting a status means reading its pages; past this many the panel says "at least". */
const COUNT_PAGES = 10;
const COUNT_PAGE_SIZE = 100;

async function countPages(next: (cursor: string | undefined) => Promise<{ items: unknown[]; nextCursor?: string }>): Promise<{ count: number; more: boolean }> {
  let count = 0;
  let cursor: string | undefined;
  for (let page = 0; page < COUNT_PAGES; page++) {
    const result = await next(cursor);
    count += result.items.length;
    cursor = result.nextCursor;
    if (!cursor) return { count, more: false };
  }
  return { count, more: true };
}

const counted = ({ count, more }: { count: number; more: boolean }) => `${more ? 'at least ' : ''}${formatNumber(count)}`;

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`);

export const PANELS: readonly DashboardPanel[] = [
  {
    id: 'nps',
    title: 'NPS, last 30 days',
    async load(client, today) {
      const from = isoDay(new Date(today.getTime() - 29 * DAY_MS));
      const metrics = await unwrap(client.GET('/v1/feedback/metrics', { params: { query: { kind: 'nps', from, to: isoDay(today) } } }));
      const answered = metrics.daily.filter((day) => day.responses > 0);
      return {
        figures: [
          { label: 'NPS', value: metrics.responses === 0 ? '— (no responses)' : String(metrics.nps) },
          { label: 'Responses', value: formatNumber(metrics.responses) },
          { label: 'Surveys sent', value: formatNumber(metrics.requested) },
          { label: 'Response rate', value: `${metrics.responseRate}%` },
          { label: 'Promoters', value: `${formatNumber(metrics.promoters)} (${metrics.promoterPercent}%)` },
          { label: 'Passives', value: `${formatNumber(metrics.passives)} (${metrics.passivePercent}%)` },
          { label: 'Detractors', value: `${formatNumber(metrics.detractors)} (${metrics.detractorPercent}%)` },
        ],
        ...(answered.length > 0
          ? { chart: { title: 'Daily NPS', caption: 'NPS per day with responses', bars: answered.map((day) => ({ label: day.day, value: day.nps })) } }
          : { note: 'No survey answers in the last 30 days: no trend to draw.' }),
      };
    },
  },
  {
    id: 'referrals',
    title: 'Referrals',
    async load(client) {
      const statuses = ['flagged', 'pending', 'attributed', 'qualified', 'rewarded', 'rejected', 'expired'] as const;
      const counts = await Promise.all(
        statuses.map((status) =>
          countPages((cursor) => unwrap(client.GET('/v1/referrals', { params: { query: { status, limit: String(COUNT_PAGE_SIZE), ...(cursor ? { cursor } : {}) } } }))),
        ),
      );
      const byStatus = Object.fromEntries(statuses.map((status, index) => [status, counts[index] ?? { count: 0, more: false }]));
      const total = counts.reduce((sum, entry) => sum + entry.count, 0);
      const converted = (byStatus.qualified?.count ?? 0) + (byStatus.rewarded?.count ?? 0);
      return {
        figures: [
          { label: 'Awaiting review (flagged)', value: counted(byStatus.flagged ?? { count: 0, more: false }) },
          ...statuses.filter((status) => status !== 'flagged').map((status) => ({ label: status[0]?.toUpperCase() + status.slice(1), value: counted(byStatus[status] ?? { count: 0, more: false }) })),
          { label: 'Conversion (qualified or rewarded, of all)', value: counts.some((entry) => entry.more) ? '—' : percent(converted, total) },
        ],
        chart: { title: 'Referrals by status', caption: 'Referrals by status', bars: statuses.map((status) => ({ label: status, value: byStatus[status]?.count ?? 0 })) },
      };
    },
  },
  {
    id: 'testimonials',
    title: 'Testimonials',
    async load(client) {
      const statuses = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
      const counts = await Promise.all(
        statuses.map((status) => countPages((cursor) => unwrap(client.GET('/v1/testimonials', { params: { query: { status, limit: String(COUNT_PAGE_SIZE), ...(cursor ? { cursor } : {}) } } })))),
      );
      return {
        figures: statuses.map((status, index) => ({ label: status === 'pending' ? 'Pending moderation' : status[0]?.toUpperCase() + status.slice(1), value: counted(counts[index] ?? { count: 0, more: false }) })),
      };
    },
  },
];

export function DashboardPage({ client }: PageProps) {
  return (
    <>
      <h1>Dashboard</h1>
      <div class="panels">
        {PANELS.map((panel) => (
          <Panel key={panel.id} panel={panel} client={client} />
        ))}
      </div>
    </>
  );
}

function Panel({ panel, client }: { panel: DashboardPanel; client: LoyaltyClient }) {
  const data = useLoad(() => panel.load(client, new Date()), [panel.id]);
  let body: ComponentChildren = null;
  if (data.data) {
    const { figures, chart, note } = data.data;
    body = (
      <>
        <table class="figures-table" data-testid={`panel-${panel.id}`}>
          <caption class="sr-only">{panel.title}</caption>
          <tbody>
            {figures.map((figure) => (
              <tr key={figure.label}>
                <th scope="row">{figure.label}</th>
                <td class="num">{figure.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {chart && (
          <figure>
            <BarChart title={chart.title} bars={chart.bars} />
            <details>
              <summary>{chart.caption}: the numbers</summary>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Label</th>
                    <th scope="col" class="num">
                      Value
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {chart.bars.map((bar) => (
                    <tr key={bar.label}>
                      <td>{bar.label}</td>
                      <td class="num">{formatNumber(bar.value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </figure>
        )}
        {note && <p class="muted">{note}</p>}
      </>
    );
  }
  return (
    <Section title={panel.title} id={`panel-${panel.id}`} actions={<button type="button" class="secondary" onClick={data.reload} aria-label={`Refresh ${panel.title}`}>Refresh</button>}>
      {data.loading && !data.data && <Loading what={panel.title} />}
      <ErrorBox error={data.error} />
      {body}
    </Section>
  );
}
