import { describe, expect, it } from 'vitest';
import { generateIncidents } from '../../../src/modules/incidents/generator.js';
import { attributesOf, factsFromInput } from '../../../src/modules/workflows/attributes.js';

const sample = [...generateIncidents({ count: 200, seed: 7, from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z'), prefix: 'attr' })];

describe('attributesOf restricted to the properties read', () => {
  it('gives every read property the value the full attributes have', () => {
    const reads = [['dictionaries', 'matchCount', 'labels', 'recipients', 'fileType'], ['matchCount', 'severity'], ['recipients', 'fileName'], []];
    for (const input of sample) {
      const facts = {
        ...factsFromInput(input),
        labels: [
          { labelId: 1, name: 'Case', value: input.transactionId },
          { labelId: 2, name: 'Flag', value: null },
        ],
      };
      const full = attributesOf(facts);
      for (const list of reads) {
        const read = new Set(list);
        const partial = attributesOf(facts, read);
        for (const property of read) expect(partial[property], property).toEqual(full[property]);
      }
    }
  });

  it('leaves out the costly attributes nothing reads', () => {
    const facts = factsFromInput(sample[0]);
    const partial = attributesOf(facts, new Set(['severity']));
    for (const property of ['dictionaries', 'matchCount', 'labels', 'recipients', 'fileType']) expect(partial[property], property).toBeUndefined();
    expect(partial.severity).toBe(facts.severity);
  });
});
