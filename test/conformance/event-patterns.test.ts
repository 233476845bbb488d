import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import JSON5 from 'json5';
import { compileEventPattern, InvalidEventPatternError, parsePatternText } from '../../infra/local/event-pattern';

/**
 * The local bus must match rules exactly as EventBridge does: every AWS-validated case in
 * ../shared/conformance/eventbridge-patterns, plus the two extra cases its README describes.
 */
const casesDir = resolve(process.cwd(), '../shared/conformance/eventbridge-patterns/cases');
const available = existsSync(casesDir);

if (!available) {
  console.warn(`Skipping EventBridge conformance: ${casesDir} is absent (it lives beside the repository in development).`);
}

const describeIfAvailable = available ? describe : describe.skip;

describeIfAvailable('EventBridge pattern conformance', () => {
  const files = available ? readdirSync(casesDir).filter((file) => file.endsWith('.json5')).sort() : [];

  it('has the full AWS-validated case set', () => {
    expect(files.length).toBe(155);
  });

  test.each(files)('%s', (file) => {
    const { Event: event, EventPattern: pattern } = JSON5.parse(readFileSync(join(casesDir, file), 'utf8')) as {
      Event: unknown;
      EventPattern: unknown;
    };
    const name = file.replace(/\.json5$/, '');
    if (name.endsWith('_EXC')) {
      expect(() => compileEventPattern(pattern)).toThrow(InvalidEventPatternError);
      return;
    }
    const matcher = compileEventPattern(pattern);
    expect(matcher.matches(event)).toBe(!name.endsWith('_NEG'));
  });

  it('matches a pattern that repeats a key (read from raw text)', () => {
    const pattern = parsePatternText(readFileSync(join(casesDir, 'complex_multi_key_event_pattern.json'), 'utf8'));
    const event: unknown = JSON.parse(readFileSync(join(casesDir, 'complex_multi_key_event.json'), 'utf8'));
    expect(compileEventPattern(pattern).matches(event)).toBe(true);
  });

  it('matches escape characters literally', () => {
    const pattern = { detail: { escape_star: ['*'], escape_backslash: ['\\'] } };
    const event = { source: 's', detail: { escape_star: '*', escape_backslash: '\\' } };
    expect(compileEventPattern(pattern).matches(event)).toBe(true);
    expect(compileEventPattern(pattern).matches({ detail: { escape_star: 'x', escape_backslash: '\\' } })).toBe(false);
  });
});
