import { compileCondition, isListProperty, requirementOf, type Attributes, type Condition, type Requirement } from './conditions.js';

/** What the index needs of a statement: its Source DLP Type and condition. */
export type IndexedStatement = { sourceDlpType: string; condition: Condition | null };

type Posting = { byValue: Map<string, number[]>; all: number[]; list: boolean };

/**
 * An org's ordered statements, arranged so the first match for an incident is found without testing
 * every statement: a statement whose condition needs certain values (an EQUALS, a list's
 * CONTAINS_EXACT) is only tested on incidents that have one of them, looked up by value; one that
 * needs none is tested on every incident of its Source DLP Type. The answer is the one testing all
 * of them in order would give.
 */
export class StatementIndex {
  private readonly matchers: (((a: Attributes) => boolean) | null)[];
  private readonly sources: string[];
  /** Positions tested on every incident, ascending. */
  private readonly always: number[] = [];
  private readonly postings = new Map<string, Posting>();
  /** Positions tested on every incident of one source (a Source DLP Type and no values needed), ascending. */
  private readonly bySource = new Map<string, number[]>();

  constructor(statements: readonly IndexedStatement[]) {
    this.matchers = statements.map((s) => (s.condition ? compileCondition(s.condition) : null));
    this.sources = statements.map((s) => s.sourceDlpType);
    statements.forEach((s, position) => {
      const requirement: Requirement | null = s.condition && requirementOf(s.condition);
      if (requirement === null) {
        if (s.sourceDlpType === 'Any') this.always.push(position);
        else this.bySource.set(s.sourceDlpType, [...(this.bySource.get(s.sourceDlpType) ?? []), position]);
        return;
      }
      for (const { property, values } of requirement) {
        let posting = this.postings.get(property);
        if (!posting) this.postings.set(property, (posting = { byValue: new Map(), all: [], list: isListProperty(property) }));
        if (posting.all[posting.all.length - 1] !== position) posting.all.push(position);
        for (const v of values) {
          const list = posting.byValue.get(v);
          if (!list) posting.byValue.set(v, [position]);
          else if (list[list.length - 1] !== position) list.push(position);
        }
      }
    });
  }

  /**
   * Looked-up positions of the incident being tested; reused, since firstMatch runs for every
   * incident of every batch and does not await.
   */
  private readonly extra: number[] = [];

  /** Position of the first statement that holds for an incident of this source with these attributes; -1 if none does. */
  firstMatch(sourceType: string, attrs: Attributes): number {
    const extra = this.lookedUp(sourceType, attrs);
    const always = this.always;
    // The candidates are `always` and `extra` merged in ascending order (a position in both once):
    // walked in step, so no merged list is built and sorted per incident.
    let a = 0;
    let e = 0;
    while (a < always.length || e < extra.length) {
      let i: number;
      if (e >= extra.length || (a < always.length && always[a] < extra[e])) i = always[a++];
      else {
        i = extra[e++];
        if (a < always.length && always[a] === i) a++;
      }
      if (this.holds(i, sourceType, attrs)) return i;
    }
    return -1;
  }

  private holds(i: number, sourceType: string, attrs: Attributes): boolean {
    const source = this.sources[i];
    if (source !== 'Any' && source !== sourceType) return false;
    const m = this.matchers[i];
    return !m || m(attrs);
  }

  /** Every statement the incident has a needed value for (and those of its source), ascending, once each. */
  private lookedUp(sourceType: string, attrs: Attributes): readonly number[] {
    const extra = this.extra;
    extra.length = 0;
    this.add(extra, this.bySource.get(sourceType));
    for (const [property, posting] of this.postings) {
      const actual = attrs[property];
      if (actual === undefined || actual === null || actual === '') continue;
      if (Array.isArray(actual)) for (const item of actual) this.add(extra, posting.byValue.get(String(item)));
      // A list property holding a single value: its CONTAINS_EXACT is a substring test, so no lookup.
      else if (posting.list) this.add(extra, posting.all);
      else this.add(extra, posting.byValue.get(typeof actual === 'string' ? actual : String(actual)));
    }
    if (extra.length > 1) {
      extra.sort((a, b) => a - b);
      let n = 1;
      for (let k = 1; k < extra.length; k++) if (extra[k] !== extra[n - 1]) extra[n++] = extra[k];
      extra.length = n;
    }
    return extra;
  }

  private add(into: number[], positions: readonly number[] | undefined): void {
    if (positions) for (const p of positions) into.push(p);
  }
}
