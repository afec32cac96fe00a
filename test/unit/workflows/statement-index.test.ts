import { describe, expect, it } from 'vitest';
import { matches, type Attributes, type Condition, type Predicate } from '../../../src/modules/workflows/conditions.js';
import { StatementIndex, type IndexedStatement } from '../../../src/modules/workflows/statement-index.js';

const p = (property: string, operation: Predicate['operation'], value?: Predicate['value']): Predicate => ({ type: 'predicate', property, operation, value });

/** What testing every statement in order answers: the index must always agree. */
function linearFirst(statements: IndexedStatement[], sourceType: string, attrs: Attributes): number {
  return statements.findIndex((s) => (s.sourceDlpType === 'Any' || s.sourceDlpType === sourceType) && (s.condition === null || matches(s.condition, attrs)));
}

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = ['Any', 'Email', 'Endpoint', 'Inline', 'SaaS Security'];
const DEPARTMENTS = ['Finance', 'HR', 'Legal', ''];
const RULES = ['PCI Rule', 'HIPAA Rule', 'GDPR Rule'];

function randomCondition(rnd: () => number, depth = 0): Condition {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const r = rnd();
  if (depth < 3 && r < 0.3) {
    const items = Array.from({ length: Math.floor(rnd() * 3) }, () => randomCondition(rnd, depth + 1));
    return { type: rnd() < 0.5 ? 'and' : 'or', items };
  }
  if (depth < 3 && r < 0.4) return { type: 'not', item: randomCondition(rnd, depth + 1) };
  return pick<Predicate>([
    p('department', 'EQUALS', pick(DEPARTMENTS.filter(Boolean))),
    p('department', 'EQUALS', [pick(DEPARTMENTS.filter(Boolean)), pick(DEPARTMENTS.filter(Boolean))]),
    p('department', 'NOT_EQUALS', pick(DEPARTMENTS.filter(Boolean))),
    p('department', 'CONTAINS_EXACT', 'in'),
    p('rules', 'CONTAINS_EXACT', pick(RULES)),
    p('rules', 'EQUALS', pick(RULES)),
    p('rules', 'NOT_CONTAINS_EXACT', pick(RULES)),
    p('severity', 'EQUALS', pick(['High', 'Low'])),
    p('matchCount', 'EQUALS', pick([3, 12])),
    p('matchCount', 'GREATER_THAN', 5),
    p('clientIp', 'EQUALS', '::ffff:10.1.2.3'),
    p('sourceType', 'EQUALS', pick(SOURCES.slice(1))),
    p('fileName', 'LIKE', '%report%'),
    p('department', 'EXISTS'),
  ]);
}

function randomIncident(rnd: () => number): { sourceType: string; attrs: Attributes } {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const sourceType = pick(SOURCES.slice(1));
  return {
    sourceType,
    attrs: {
      sourceType,
      department: rnd() < 0.2 ? null : pick(DEPARTMENTS),
      // Now and then a list attribute as a single value: CONTAINS_EXACT is then a substring test.
      rules: rnd() < 0.15 ? pick(RULES) : RULES.filter(() => rnd() < 0.5),
      severity: pick(['High', 'Low', 'Medium']),
      matchCount: pick([3, 12, '12']),
      clientIp: pick(['10.1.2.3', '10.1.2.4', undefined]),
      fileName: pick(['Q3 report.xlsx', 'notes.txt']),
    },
  };
}

describe('StatementIndex', () => {
  it('finds the statement testing them all in order finds, for random statements and incidents', () => {
    const rnd = random(11);
    for (let set = 0; set < 60; set++) {
      const statements: IndexedStatement[] = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => ({
        sourceDlpType: rnd() < 0.6 ? 'Any' : SOURCES[1 + Math.floor(rnd() * 4)],
        condition: rnd() < 0.1 ? null : randomCondition(rnd),
      }));
      const index = new StatementIndex(statements);
      for (let k = 0; k < 200; k++) {
        const { sourceType, attrs } = randomIncident(rnd);
        expect(index.firstMatch(sourceType, attrs), JSON.stringify({ statements, sourceType, attrs })).toBe(linearFirst(statements, sourceType, attrs));
      }
    }
  });

  it('an earlier statement tested on every incident still wins over a later one found by value', () => {
    const statements: IndexedStatement[] = [
      { sourceDlpType: 'Any', condition: p('fileName', 'LIKE', '%.xlsx') },
      { sourceDlpType: 'Any', condition: p('department', 'EQUALS', 'Finance') },
      { sourceDlpType: 'Inline', condition: null },
    ];
    const index = new StatementIndex(statements);
    expect(index.firstMatch('Inline', { department: 'Finance', fileName: 'a.xlsx' })).toBe(0);
    expect(index.firstMatch('Inline', { department: 'Finance', fileName: 'a.txt' })).toBe(1);
    expect(index.firstMatch('Inline', { department: 'HR', fileName: 'a.txt' })).toBe(2);
    expect(index.firstMatch('Email', { department: 'HR', fileName: 'a.txt' })).toBe(-1);
  });

  it('a NOT, an IP in another notation and a list attribute given as one value are never skipped', () => {
    const statements: IndexedStatement[] = [
      { sourceDlpType: 'Any', condition: { type: 'not', item: p('department', 'EQUALS', 'Finance') } },
      { sourceDlpType: 'Any', condition: p('clientIp', 'EQUALS', '::ffff:10.1.2.3') },
      { sourceDlpType: 'Any', condition: p('rules', 'CONTAINS_EXACT', 'PCI') },
    ];
    const index = new StatementIndex(statements);
    expect(index.firstMatch('Email', { department: 'HR' })).toBe(0);
    expect(index.firstMatch('Email', { department: 'Finance', clientIp: '10.1.2.3' })).toBe(1);
    expect(index.firstMatch('Email', { department: 'Finance', rules: 'PCI Rule' })).toBe(2);
    expect(index.firstMatch('Email', { department: 'Finance', rules: ['PCI Rule'] })).toBe(-1);
  });
});
