import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ShownError } from './api';

/** A failure, announced to screen readers, with every field the API named (its JSON pointer and message). */
export function ErrorBox({ error }: { error: ShownError | undefined }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) box.current?.focus();
  }, [error]);
  if (!error) return null;
  return (
    <div class="error" role="alert" tabIndex={-1} ref={box}>
      <p class="error-title">
        {error.title}
        {error.status ? ` (${error.status})` : ''}
      </p>
      <p>{error.detail}</p>
      {error.fields.length > 0 && (
        <ul class="error-fields">
          {error.fields.map((field) => (
            <li key={field.pointer}>
              <code>{field.pointer || '(the body)'}</code>: {field.detail}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** A labelled input with the API's message for its field beneath it (aria-invalid and aria-describedby set). */
export function Field(props: { id: string; label: string; error?: string | undefined; hint?: string; children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren }) {
  const messageId = props.error ? `${props.id}-error` : props.hint ? `${props.id}-hint` : undefined;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children(messageId, props.error !== undefined)}
      {props.hint && !props.error && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Section(props: { title: string; id?: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const headingId = `${props.id ?? props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return (
    <section class="card" aria-labelledby={headingId}>
      <div class="card-head">
        <h2 id={headingId}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

export const formatNumber = (value: number) => new Intl.NumberFormat('en-US').format(value);
export const formatDate = (iso: string | undefined | null) => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC' : '—');

/**
 * A bar chart in plain SVG (the console's only chart: a library would outweigh the app). Bars are SVG attributes,
 * never inline styles, so the page's policy holds; the same numbers are always in a table beside it.
 */
export function BarChart(props: { title: string; bars: readonly { label: string; value: number }[]; unit?: string }) {
  const width = 600;
  const height = 180;
  const max = Math.max(1, ...props.bars.map((bar) => Math.abs(bar.value)));
  const hasNegative = props.bars.some((bar) => bar.value < 0);
  // Few bars get their labels under them; many (a month of days), or bars below the axis, rely on the table and each
  // bar's tooltip.
  const labelled = props.bars.length <= 8 && !hasNegative;
  const zero = hasNegative ? height / 2 : height - (labelled ? 30 : 10);
  const scale = (hasNegative ? height / 2 - 10 : zero - 10) / max;
  const slot = width / Math.max(1, props.bars.length);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${props.title} (bar chart; the same numbers are in the table)`}>
      <line x1="0" x2={width} y1={zero} y2={zero} class="chart-axis" />
      {props.bars.map((bar, index) => {
        const barHeight = Math.abs(bar.value) * scale;
        return (
          <g key={bar.label}>
          {labelled && (
            <text x={index * slot + slot / 2} y={height - 4} class="chart-label" text-anchor="middle">
              {bar.label}
            </text>
          )}
          <rect x={index * slot + slot * 0.15} width={slot * 0.7} y={bar.value >= 0 ? zero - barHeight : zero} height={Math.max(barHeight, 1)} class={bar.value < 0 ? 'chart-bar negative' : 'chart-bar'}>
            <title>
              {bar.label}: {formatNumber(bar.value)}
              {props.unit ?? ''}
            </title>
          </rect>
          </g>
        );
      })}
    </svg>
  );
}
