import { describe, expect, it } from 'vitest';
import { generateIncidents } from '../../../src/modules/incidents/generator.js';

const from = new Date('2026-01-01T00:00:00Z');
const to = new Date('2026-01-08T00:00:00Z');
const dates = (inArrivalOrder: boolean) =>
  [...generateIncidents({ count: 500, seed: 5, from, to, prefix: 'ord', duplicateRate: 0, inArrivalOrder })].map((i) => Date.parse(i.incidentDate));

describe('generateIncidents dates', () => {
  it('in arrival order, rise with the sequence and fill the span', () => {
    const d = dates(true);
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeGreaterThanOrEqual(d[i - 1]);
    expect(d[0]).toBeGreaterThanOrEqual(from.getTime());
    expect(d[0]).toBeLessThan(from.getTime() + (to.getTime() - from.getTime()) / 100);
    expect(d.at(-1)).toBeLessThan(to.getTime());
    expect(d.at(-1)).toBeGreaterThan(to.getTime() - (to.getTime() - from.getTime()) / 100);
  });

  it('otherwise, fall anywhere in the span in no order', () => {
    const d = dates(false);
    expect(d.every((t) => t >= from.getTime() && t < to.getTime())).toBe(true);
    expect(d.some((t, i) => i > 0 && t < d[i - 1])).toBe(true);
  });
});
