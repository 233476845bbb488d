import { useEffect, useRef, useState } from 'preact/hooks';
import { fieldError, unwrap, type Schemas } from '../api';
import type { PageProps } from '../app';
import { ErrorBox, Field, formatDate, Loading, Section } from '../components';
import { useAction, useLoad } from '../hooks';

type Testimonial = Schemas['Testimonial'];
const STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
type Status = (typeof STATUSES)[number];

/**
 * Testimonial moderation (approve, reject with a reason, tags, featured) beside the wall preview: the real wall
 * widget (<loyalty-wall>, the script the API serves at /w/loyalty-wall.js) reading the public wall, so what it shows
 * is exactly what a storefront shows. After each change the preview element is replaced, and reads the wall again.
 */
export function TestimonialsPage({ client, config }: PageProps) {
  const [status, setStatus] = useState<Status>('pending');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const list = useLoad(() => unwrap(client.GET('/v1/testimonials', { params: { query: { status, limit: '20', ...(cursor ? { cursor } : {}) } } })), [status, cursor]);
  const walls = useLoad(() => unwrap(client.GET('/v1/walls')), []);
  const [wallId, setWallId] = useState('default');
  const [previewVersion, setPreviewVersion] = useState(0);
  const [done, setDone] = useState<string | undefined>(undefined);
  const changed = (message: string) => {
    setDone(message);
    list.reload();
    setPreviewVersion((value) => value + 1);
  };
  const wallIds = ['default', ...(walls.data?.items.map((wall) => wall.wallId).filter((id) => id !== 'default') ?? [])];
  return (
    <>
      <h1>Testimonials</h1>
      <div class="split">
        <div>
          <div class="inline-form">
            <Field id="testimonial-status" label="Status">
              {() => (
                <select
                  id="testimonial-status"
                  value={status}
                  onChange={(event) => {
                    setStatus(event.currentTarget.value as Status);
                    setCursors([]);
                  }}
                >
                  {STATUSES.map((value) => (
                    <option key={value} value={value}>
                      {value === 'pending' ? 'pending moderation' : value}
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
          <ErrorBox error={list.error} />
          {list.loading && !list.data && <Loading what="testimonials" />}
          {list.data && list.data.items.length === 0 && <p class="muted">No {status} testimonials.</p>}
          <ul class="cards" aria-label={`${status} testimonials`}>
            {list.data?.items.map((testimonial) => <TestimonialCard key={testimonial.testimonialId} client={client} testimonial={testimonial} onChanged={changed} />)}
          </ul>
          <div class="pager">
            <button type="button" class="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous page
            </button>
            <button type="button" class="secondary" disabled={!list.data?.nextCursor} onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}>
              Next page
            </button>
          </div>
        </div>
        <Section
          title="Wall preview"
          id="wall-preview"
          actions={
            <Field id="wall-select" label="Wall">
              {() => (
                <select id="wall-select" value={wallId} onChange={(event) => setWallId(event.currentTarget.value)}>
                  {wallIds.map((id) => (
                    <option key={id} value={id}>
                      {walls.data?.items.find((wall) => wall.wallId === id)?.name ?? id}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          }
        >
          <WallPreview apiBaseUrl={config.apiBaseUrl} wallId={wallId} version={previewVersion} />
        </Section>
      </div>
    </>
  );
}

/** The wall widget's script, added once per page (a module script from the API, allowed by script-src). */
let widgetLoaded: Promise<void> | undefined;
function loadWallWidget(apiBaseUrl: string): Promise<void> {
  widgetLoaded ??= new Promise<void>((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), { type: 'module', src: `${apiBaseUrl || window.location.origin}/w/loyalty-wall.js` });
    script.addEventListener('load', () => resolve(), { once: true });
    script.addEventListener('error', () => reject(new Error('The wall widget script did not load')), { once: true });
    document.head.append(script);
  });
  return widgetLoaded;
}

function WallPreview(props: { apiBaseUrl: string; wallId: string; version: number }) {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | undefined>(undefined);
  useEffect(() => {
    loadWallWidget(props.apiBaseUrl).catch((error: unknown) => setFailed((error as Error).message));
  }, [props.apiBaseUrl]);
  useEffect(() => {
    // A fresh element per change: the widget fetches its wall when connected (revalidating, never a stale copy).
    const wall = document.createElement('loyalty-wall');
    wall.setAttribute('wall-id', props.wallId);
    if (props.apiBaseUrl) wall.setAttribute('api-base', props.apiBaseUrl);
    host.current?.replaceChildren(wall);
  }, [props.wallId, props.version, props.apiBaseUrl]);
  return (
    <>
      {failed && <p class="error">{failed}</p>}
      <div class="wall-host" ref={host} data-testid="wall-preview" />
    </>
  );
}

function TestimonialCard({ client, testimonial, onChanged }: { client: PageProps['client']; testimonial: Testimonial; onChanged: (message: string) => void }) {
  const id = testimonial.testimonialId;
  const path = { params: { path: { testimonialId: id } } };
  const action = useAction();
  const [reason, setReason] = useState('');
  const [tags, setTags] = useState(testimonial.tags.join(', '));
  const who = testimonial.displayName || 'Anonymous';
  const curate = (body: { tags?: string[]; featured?: boolean }, message: string) =>
    void action.run(async () => {
      await unwrap(client.PATCH('/v1/testimonials/{testimonialId}', { ...path, body }));
      onChanged(message);
    });
  return (
    <li class="card" aria-labelledby={`testimonial-${id}`}>
      <h2 id={`testimonial-${id}`} class="card-title">
        {who} <span class="muted">— {testimonial.rating} of 5</span> <span class={`badge ${testimonial.status}`}>{testimonial.status}</span>
        {testimonial.featured && <span class="badge featured">featured</span>}
      </h2>
      <blockquote>{testimonial.text}</blockquote>
      <dl class="pairs">
        <dt>Customer</dt>
        <dd>
          <a href={`#/customers/${encodeURIComponent(testimonial.customerId)}`}>{testimonial.customerId}</a>
        </dd>
        <dt>Consent</dt>
        <dd>{testimonial.consent}</dd>
        <dt>Submitted</dt>
        <dd>{formatDate(testimonial.submittedAt)}</dd>
        {testimonial.moderation.length > 0 && (
          <>
            <dt>Moderation</dt>
            <dd>{testimonial.moderation.map((step) => `${step.decision} by ${step.by}${step.reason ? ` (${step.reason})` : ''}`).join('; ')}</dd>
          </>
        )}
      </dl>
      <div class="actions">
        {testimonial.status !== 'approved' && testimonial.status !== 'withdrawn' && (
          <button
            type="button"
            disabled={action.busy}
            aria-label={`Approve the testimonial by ${who}`}
            onClick={() => void action.run(async () => {
              await unwrap(client.POST('/v1/testimonials/{testimonialId}/approve', path));
              onChanged(`Testimonial by ${who} approved.`);
            })}
          >
            Approve
          </button>
        )}
        {testimonial.status === 'approved' && (
          <button type="button" class="secondary" disabled={action.busy} aria-pressed={testimonial.featured} onClick={() => curate({ featured: !testimonial.featured }, testimonial.featured ? `No longer featuring ${who}.` : `Featuring ${who}.`)}>
            {testimonial.featured ? 'Unfeature' : 'Feature'}
          </button>
        )}
      </div>
      {testimonial.status !== 'withdrawn' && (
        <form
          class="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            curate({ tags: tags.split(',').map((tag) => tag.trim()).filter(Boolean) }, `Tags of ${who} saved.`);
          }}
        >
          <Field id={`tags-${id}`} label="Tags (comma-separated)" error={fieldError(action.error, '/tags') ?? action.error?.fields.find((field) => field.pointer.startsWith('/tags/'))?.detail}>
            {(describedBy, invalid) => <input id={`tags-${id}`} value={tags} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => setTags(event.currentTarget.value)} />}
          </Field>
          <button type="submit" class="secondary" disabled={action.busy}>
            Save tags
          </button>
        </form>
      )}
      {testimonial.status === 'pending' && (
        <form
          class="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(async () => {
              await unwrap(client.POST('/v1/testimonials/{testimonialId}/reject', { ...path, body: { reason } }));
              onChanged(`Testimonial by ${who} rejected.`);
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
      )}
      <ErrorBox error={action.error} />
    </li>
  );
}
