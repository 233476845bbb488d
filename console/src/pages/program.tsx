import { useEffect, useState } from 'preact/hooks';
import type { paths } from '../../../client/src/index.js';
import { fieldError, unwrap, type ShownError } from '../api';
import type { PageProps } from '../app';
import { ErrorBox, Field, formatDate, Loading, Section } from '../components';
import { useAction, useLoad } from '../hooks';

/**
 * The loyalty program document (GET/PUT /v1/program). The scalar settings are form fields; the nested parts (tiers,
 * rules, campaigns, currency rates, bonuses) are JSON. Nothing is validated here: the API's own schema answers, and
 * each message is shown at the field its pointer names (any other pointer under the JSON part it belongs to).
 * The API keeps no history of earlier versions, so the page shows the current version, when and by whom.
 */
const SCALARS = [
  { key: 'baseCurrency', label: 'Base currency', kind: 'text' },
  { key: 'pointsPerUnit', label: 'Points per currency unit', kind: 'number' },
  { key: 'pendingDays', label: 'Pending days (before points are available)', kind: 'number' },
  { key: 'expiryDays', label: 'Expiry days (0 = never)', kind: 'number' },
  { key: 'expiryReminderDays', label: 'Expiry reminder days', kind: 'number' },
  { key: 'tierWindowDays', label: 'Tier window days (0 = lifetime)', kind: 'number' },
] as const;
const NESTED = ['tiers', 'rules', 'campaigns', 'currencyRates', 'bonuses'] as const;

type Draft = Record<string, string>;
/** What PUT /v1/program takes; the draft is assembled field by field and the API checks it. */
type ProgramDocument = paths['/v1/program']['put']['requestBody']['content']['application/json'];

function draftOf(program: Record<string, unknown>): Draft {
  const draft: Draft = {};
  for (const { key } of SCALARS) draft[key] = program[key] === undefined ? '' : String(program[key]);
  draft.tierDowngrade = String(program.tierDowngrade ?? 'none');
  draft.refundPolicy = String(program.refundPolicy ?? 'within_balance');
  for (const key of NESTED) draft[key] = program[key] === undefined ? '' : JSON.stringify(program[key], null, 2);
  return draft;
}

/** The document to send, or the JSON parts that do not parse (shown like the API's errors, at their pointer). */
function documentOf(draft: Draft): { body: Record<string, unknown> } | { error: ShownError } {
  const body: Record<string, unknown> = {};
  for (const { key, kind } of SCALARS) {
    const value = draft[key] ?? '';
    // A number field that is not a number is still sent as typed: the API names the field and says why.
    body[key] = kind === 'number' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  body.tierDowngrade = draft.tierDowngrade;
  body.refundPolicy = draft.refundPolicy;
  const fields: { pointer: string; detail: string }[] = [];
  for (const key of NESTED) {
    const text = (draft[key] ?? '').trim();
    if (text === '') continue;
    try {
      body[key] = JSON.parse(text);
    } catch (error) {
      fields.push({ pointer: `/${key}`, detail: `Not JSON: ${(error as Error).message}` });
    }
  }
  if (fields.length > 0) return { error: { title: 'Fix the JSON first', detail: 'These parts are not valid JSON, so nothing was sent.', fields } };
  return { body };
}

/** Messages for a nested part: its own pointer and every pointer beneath it. */
function nestedErrors(error: ShownError | undefined, key: string): string | undefined {
  const messages = error?.fields.filter((field) => field.pointer === `/${key}` || field.pointer.startsWith(`/${key}/`)).map((field) => `${field.pointer}: ${field.detail}`);
  return messages && messages.length > 0 ? messages.join(' · ') : undefined;
}

export function ProgramPage({ client }: PageProps) {
  const program = useLoad(() => unwrap(client.GET('/v1/program')), []);
  const [draft, setDraft] = useState<Draft | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [localError, setLocalError] = useState<ShownError | undefined>(undefined);
  const action = useAction();
  useEffect(() => {
    if (program.data) setDraft(draftOf(program.data as Record<string, unknown>));
  }, [program.data]);
  const error = localError ?? action.error;
  const set = (key: string, value: string) => setDraft((current) => ({ ...current, [key]: value }));
  const save = (event: Event) => {
    event.preventDefault();
    if (!draft) return;
    setSaved(undefined);
    const built = documentOf(draft);
    if ('error' in built) {
      setLocalError(built.error);
      return;
    }
    setLocalError(undefined);
    void action
      .run(async () => {
        const result = await unwrap(client.PUT('/v1/program', { body: built.body as unknown as ProgramDocument }));
        setSaved(`Saved as version ${result.version}.`);
      })
      .then((ok) => ok && program.reload());
  };
  return (
    <>
      <h1>Program</h1>
      {program.loading && !program.data && <Loading what="the program" />}
      <ErrorBox error={program.error} />
      {program.data && (
        <p class="muted" data-testid="program-version">
          Version {program.data.version}, saved {formatDate(program.data.updatedAt)} by {program.data.updatedBy}. Earlier versions are not kept by the API; each
          ledger entry records the version that computed it.
        </p>
      )}
      {draft && (
        <form onSubmit={save} noValidate>
          <Section title="Earning" id="earning">
            <div class="grid">
              {SCALARS.map(({ key, label, kind }) => (
                <Field key={key} id={`program-${key}`} label={label} error={fieldError(error, `/${key}`)}>
                  {(describedBy, invalid) => (
                    <input id={`program-${key}`} inputMode={kind === 'number' ? 'decimal' : 'text'} value={draft[key]} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => set(key, event.currentTarget.value)} />
                  )}
                </Field>
              ))}
              <Field id="program-tierDowngrade" label="Tier downgrade" error={fieldError(error, '/tierDowngrade')}>
                {(describedBy, invalid) => (
                  <select id="program-tierDowngrade" value={draft.tierDowngrade} aria-invalid={invalid} aria-describedby={describedBy} onChange={(event) => set('tierDowngrade', event.currentTarget.value)}>
                    <option value="none">Never downgrade</option>
                    <option value="reevaluate">Re-evaluate over the window</option>
                  </select>
                )}
              </Field>
              <Field id="program-refundPolicy" label="Refunds" error={fieldError(error, '/refundPolicy')}>
                {(describedBy, invalid) => (
                  <select id="program-refundPolicy" value={draft.refundPolicy} aria-invalid={invalid} aria-describedby={describedBy} onChange={(event) => set('refundPolicy', event.currentTarget.value)}>
                    <option value="within_balance">Claw back within the balance</option>
                    <option value="allow_negative">Allow a negative balance</option>
                  </select>
                )}
              </Field>
            </div>
          </Section>
          <Section title="Tiers, rules and campaigns (JSON)" id="nested">
            {NESTED.map((key) => (
              <Field key={key} id={`program-${key}`} label={key} error={nestedErrors(error, key)}>
                {(describedBy, invalid) => (
                  <textarea id={`program-${key}`} class="code" rows={key === 'tiers' || key === 'campaigns' ? 10 : 5} spellcheck={false} value={draft[key]} aria-invalid={invalid} aria-describedby={describedBy} onInput={(event) => set(key, event.currentTarget.value)} />
                )}
              </Field>
            ))}
          </Section>
          <div class="actions">
            <button type="submit" disabled={action.busy}>
              Save program
            </button>
            <button type="button" class="secondary" onClick={() => program.data && (setDraft(draftOf(program.data as Record<string, unknown>)), setLocalError(undefined), action.clear())}>
              Discard changes
            </button>
          </div>
          <ErrorBox error={error} />
          {saved && (
            <p class="success" role="status">
              {saved}
            </p>
          )}
        </form>
      )}
    </>
  );
}
