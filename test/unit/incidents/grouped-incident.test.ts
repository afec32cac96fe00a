import { describe, expect, it } from 'vitest';
import { generateIncidents } from '../../../src/modules/incidents/generator.js';
import { groupedIncident } from '../../../src/modules/incidents/group-hooks.js';
import { incidentRow } from '../../../src/modules/incidents/ingest.js';

const sample = [...generateIncidents({ count: 100, seed: 3, from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z'), prefix: 'grp' })];

describe('groupedIncident of a row before it is written', () => {
  it('is the incident a read-back of the written row converts to', () => {
    sample.forEach((input, n) => {
      const row = incidentRow(1, input, '2026-02-02T00:00:00.000Z');
      const parsed = { rules: input.rules, engines: input.engines, dictionaries: input.dictionaries, details: JSON.parse(row.details) };
      const written = { ...row, id: 1000 + n, duplicate_count: n % 3, false_positive: 0 };
      const fromRow = groupedIncident(row, parsed, { id: 1000 + n, duplicateCount: n % 3 });
      const readBack = groupedIncident(written);
      expect(fromRow).toEqual(readBack);
      // Same fields in the same order: what is serialized from it does not change.
      expect(Object.keys(fromRow)).toEqual(Object.keys(readBack));
    });
  });

  it('copies the row: changing the row afterwards leaves the incident as it was', () => {
    const input = sample[0];
    const row = incidentRow(1, input, '2026-02-02T00:00:00.000Z');
    const incident = groupedIncident(
      row,
      { rules: input.rules, engines: input.engines, dictionaries: input.dictionaries, details: JSON.parse(row.details) },
      { id: 1, duplicateCount: 0 },
    );
    const before = incident.lastChange;
    row.last_change = 'changed later';
    expect(incident.lastChange).toBe(before);
  });
});
