import { CAPACITY, inRecent, markersMayHold, NO_APPLIED_EVENTS, recordApplied, RETENTION_DAYS } from '../../functions/customers/domain/applied-events';

/** Issue 9.2: the ids of applied events kept in the activity item, bounded, with markers as the overflow. */
describe('applied events kept in the activity', () => {
  const at = (day: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + day * 86_400_000);

  it('adds the event and remembers it', () => {
    const { applied, useMarker } = recordApplied(NO_APPLIED_EVENTS, 'e1', at(0));
    expect(useMarker).toBe(false);
    expect(inRecent(applied, 'e1')).toBe(true);
    expect(inRecent(applied, 'e2')).toBe(false);
    expect(markersMayHold(applied, at(0))).toBe(false);
  });

  it('drops ids only once the retention has passed, never to make room', () => {
    let applied = recordApplied(NO_APPLIED_EVENTS, 'old', at(0)).applied;
    applied = recordApplied(applied, 'e2', at(RETENTION_DAYS - 1)).applied;
    expect(inRecent(applied, 'old')).toBe(true);
    applied = recordApplied(applied, 'e3', at(RETENTION_DAYS + 1)).applied;
    expect(inRecent(applied, 'old')).toBe(false);
    expect(inRecent(applied, 'e2')).toBe(true);
  });

  it('when full of ids inside the window, records the event as a marker and says markers must be consulted until the window passes', () => {
    let applied = NO_APPLIED_EVENTS;
    for (let index = 0; index < CAPACITY; index++) applied = recordApplied(applied, `e${index}`, at(0)).applied;
    const full = recordApplied(applied, 'overflow', at(1));
    expect(full.useMarker).toBe(true);
    expect(inRecent(full.applied, 'overflow')).toBe(false);
    expect(Object.keys(full.applied.recent)).toHaveLength(CAPACITY);
    expect(markersMayHold(full.applied, at(1 + RETENTION_DAYS - 1))).toBe(true);
    expect(markersMayHold(full.applied, at(1 + RETENTION_DAYS + 1))).toBe(false);
    // Once the window has passed the set has room again.
    const later = recordApplied(full.applied, 'later', at(RETENTION_DAYS + 2));
    expect(later.useMarker).toBe(false);
    expect(Object.keys(later.applied.recent)).toEqual(['later']);
  });
});
