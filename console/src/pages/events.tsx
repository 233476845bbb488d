import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { ErrorBox, Field, formatDate, Loading } from '../components';
import { useLoad } from '../hooks';

/**
 * The local runtime's event stream: what the bus accepted, newest first, and where each event was delivered
 * (GET /_local/events — the runtime's own journal, not part of the API, so not through the typed client). Shown only
 * when the console runs on the local runtime; "Live" reads it again every few seconds.
 */
interface JournalItem {
  readonly receivedAt: string;
  readonly event: { readonly id?: string; readonly source?: string; readonly 'detail-type'?: string; readonly detail?: unknown };
  readonly deliveries: readonly { readonly rule: string; readonly function: string; readonly status: string; readonly attempts?: number }[];
}

const LIVE_EVERY_MS = 3_000;

export function EventsPage({ eventsUrl }: PageProps & { eventsUrl: string }) {
  const [detailType, setDetailType] = useState('');
  const [filter, setFilter] = useState('');
  const [live, setLive] = useState(false);
  const events = useLoad(async () => {
    const url = new URL(eventsUrl, document.baseURI);
    url.searchParams.set('limit', '50');
    if (filter) url.searchParams.set('detailType', filter);
    const response = await fetch(url, { credentials: 'omit', cache: 'no-store' });
    if (!response.ok) throw new Error(`The runtime's event journal answered ${response.status}`);
    return (await response.json()) as { items: JournalItem[] };
  }, [filter]);
  useEffect(() => {
    if (!live) return undefined;
    const timer = setInterval(events.reload, LIVE_EVERY_MS);
    return () => clearInterval(timer);
  }, [live, events.reload]);
  return (
    <>
      <h1>Events</h1>
      <p class="muted">The local runtime's event bus: every event accepted, newest first, with each rule's delivery.</p>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter(detailType.trim());
        }}
      >
        <Field id="events-detail-type" label="Detail type" hint="e.g. PointsAdjusted; empty for every event">
          {(describedBy) => <input id="events-detail-type" value={detailType} aria-describedby={describedBy} onInput={(event) => setDetailType(event.currentTarget.value)} />}
        </Field>
        <button type="submit">Show</button>
        <button type="button" class="secondary" onClick={events.reload}>
          Refresh
        </button>
        <div class="field checkbox">
          <label>
            <input type="checkbox" checked={live} onChange={(event) => setLive(event.currentTarget.checked)} /> Live (every {LIVE_EVERY_MS / 1000} s)
          </label>
        </div>
      </form>
      <ErrorBox error={events.error} />
      {events.loading && !events.data && <Loading what="events" />}
      {events.data && events.data.items.length === 0 && <p class="muted">No events{filter ? ` of type ${filter}` : ''} yet.</p>}
      {events.data && events.data.items.length > 0 && (
        <div class="table-wrap card">
          <table>
            <caption class="sr-only">Events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Detail type</th>
                <th scope="col">Source</th>
                <th scope="col">Deliveries</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {events.data.items.map((item, index) => (
                <tr key={item.event.id ?? index}>
                  <td>{formatDate(item.receivedAt)}</td>
                  <td>{item.event['detail-type']}</td>
                  <td>{item.event.source}</td>
                  <td>{item.deliveries.length === 0 ? 'no rule matched' : item.deliveries.map((delivery) => `${delivery.function}: ${delivery.status}`).join(', ')}</td>
                  <td>
                    <details>
                      <summary>Show</summary>
                      <pre class="code">{JSON.stringify(item.event.detail, null, 2)}</pre>
                    </details>
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
