import { readFileSync } from 'node:fs';
import * as events from '../../events';
import type { EventContract } from '../../events/contract';
import { eventCatalog } from '../../infra/event-catalog';
import { EVENTS_MD } from '../../infra/openapi-build';
import { eventKey, eventSources } from '../../infra/openapi';
import { topology } from '../../infra/topology';

/** docs/events.md (infra/event-catalog.ts): every event contract with its producer and consumers, and current. */
const catalog = eventCatalog();
const section = (heading: string): string => {
  const start = catalog.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = catalog.indexOf('\n## ', start + 1);
  return catalog.slice(start, end < 0 ? undefined : end);
};

describe('the event catalog', () => {
  it('is committed as docs/events.md as `npm run openapi` writes it today', () => {
    if (readFileSync(EVENTS_MD, 'utf8') !== catalog) throw new Error(`${EVENTS_MD} is stale: run \`npm run openapi\` and commit it`);
  });

  it('has every event contract of events/ that a service produces, each once, with its JSDoc', () => {
    const exported = (Object.values(events) as unknown[]).filter((value): value is EventContract => typeof value === 'object' && value !== null && 'detailType' in value);
    expect(exported.filter((event) => !topology.events.includes(event)).map(eventKey)).toEqual([]);
    const headings = [...catalog.matchAll(/^## (\w+) v(\d+)$/gm)].map((match) => `${match[1]}@${match[2]}`);
    expect(headings.sort()).toEqual(topology.events.map(eventKey).sort());
    const sources = eventSources();
    expect(topology.events.filter((event) => !sources.get(eventKey(event))?.description).map(eventKey)).toEqual([]);
  });

  it('names source, detail-type, version, producer and the subscriptions consuming each, with an example and its JSON Schema', () => {
    const recorded = section('PurchaseRecorded v1');
    expect(recorded).toContain('- Source: `loyalty-loop.purchases`');
    expect(recorded).toContain('- Detail-type: `PurchaseRecorded`');
    expect(recorded).toContain('- Version: 1');
    expect(recorded).toContain('- Producer: purchases (contract: [events/purchase-recorded.ts](../events/purchase-recorded.ts))');
    for (const subscription of topology.subscriptions.filter((candidate) => candidate.event === events.PurchaseRecorded)) {
      expect(recorded).toContain(`rule \`${subscription.name}\` → function \`${subscription.function}\``);
    }
    expect(recorded).toContain('<summary>JSON Schema of the detail</summary>');
    const example = /Example `detail`:\n\n```json\n([\s\S]*?)\n```/.exec(recorded)?.[1] ?? '';
    expect(events.PurchaseRecorded.detailSchema.parse(JSON.parse(example))).toEqual(JSON.parse(example));
    expect(section('PointsEarned v1')).toContain('- Consumers: journey (rule `journey-points-earned` → function `journeyEvents`); webhooks-out (rule `webhooks-out-points-earned` → function `webhookFanOut`)');
    expect(section('PointsEarned v1')).toContain('`PointsEarned` in the OpenAPI `webhooks` section (event type `PointsEarned` for endpoints)');
    expect(section('CustomerErased v1')).toContain('- Webhook: not delivered (between our own services only)');
  });
});
