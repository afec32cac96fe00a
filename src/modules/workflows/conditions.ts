import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { nameText, text } from '../../platform/http/input.js';

/**
 * Mapping conditions: predicates (Property, Operation, Value) combined with NOT / AND / OR, and the
 * evaluator that decides whether an incident's attributes satisfy them. Pure: no database, no
 * clock, so the Test panel and ingestion give the same answer and the tests cover every operation.
 */

export const OPERATIONS = [
  'AFTER',
  'BEFORE',
  'CONTAINS_EXACT',
  'NOT_CONTAINS_EXACT',
  'EQUALS',
  'NOT_EQUALS',
  'IN_IPv4_SUBNET',
  'IN_IPv6_SUBNET',
  'LIKE',
  'EXISTS',
  'LESS_THAN',
  'GREATER_THAN',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What kind of value a property holds decides which operations make sense on it. */
export type PropertyKind = 'text' | 'list' | 'number' | 'date' | 'ip' | 'rank';

const RANKS = {
  severity: ['Info', 'Low', 'Medium', 'High', 'Critical'],
  priority: ['Low', 'Medium', 'High', 'Critical'],
} as const;

export type PropertyDef = { key: string; label: string; kind: PropertyKind; ranks?: readonly string[] };

/** The incident attributes a predicate may test (obfuscated attributes are not offered). */
export const PROPERTIES: readonly PropertyDef[] = [
  { key: 'severity', label: 'Severity', kind: 'rank', ranks: RANKS.severity },
  { key: 'priority', label: 'Priority', kind: 'rank', ranks: RANKS.priority },
  { key: 'status', label: 'Status', kind: 'text' },
  { key: 'sourceType', label: 'Source DLP Type', kind: 'text' },
  { key: 'dlpType', label: 'DLP Type', kind: 'text' },
  { key: 'action', label: 'Action', kind: 'text' },
  { key: 'rules', label: 'Rules', kind: 'list' },
  { key: 'engines', label: 'Engines', kind: 'list' },
  { key: 'dictionaries', label: 'Dictionaries', kind: 'list' },
  { key: 'matchCount', label: 'Match Count', kind: 'number' },
  { key: 'userName', label: 'User Name', kind: 'text' },
  { key: 'userEmail', label: 'User Email', kind: 'text' },
  { key: 'department', label: 'Department', kind: 'text' },
  { key: 'clientIp', label: 'Client IP', kind: 'ip' },
  { key: 'destination', label: 'Destination', kind: 'text' },
  { key: 'host', label: 'Host', kind: 'text' },
  { key: 'url', label: 'URL', kind: 'text' },
  { key: 'fileName', label: 'File Name', kind: 'text' },
  { key: 'fileType', label: 'File Type', kind: 'text' },
  { key: 'channel', label: 'Channel', kind: 'text' },
  { key: 'application', label: 'Application', kind: 'text' },
  { key: 'labels', label: 'Labels', kind: 'list' },
  { key: 'recipients', label: 'Recipients', kind: 'list' },
  { key: 'incidentDate', label: 'Incident Date', kind: 'date' },
];
const PROPERTY = new Map(PROPERTIES.map((p) => [p.key, p]));

/** Which operations each kind of property accepts. */
export const OPERATIONS_BY_KIND: Record<PropertyKind, readonly Operation[]> = {
  text: ['EQUALS', 'NOT_EQUALS', 'CONTAINS_EXACT', 'NOT_CONTAINS_EXACT', 'LIKE', 'EXISTS'],
  list: ['EQUALS', 'NOT_EQUALS', 'CONTAINS_EXACT', 'NOT_CONTAINS_EXACT', 'LIKE', 'EXISTS'],
  number: ['EQUALS', 'NOT_EQUALS', 'LESS_THAN', 'GREATER_THAN', 'EXISTS'],
  date: ['AFTER', 'BEFORE', 'EXISTS'],
  ip: ['EQUALS', 'NOT_EQUALS', 'IN_IPv4_SUBNET', 'IN_IPv6_SUBNET', 'EXISTS'],
  rank: ['EQUALS', 'NOT_EQUALS', 'LESS_THAN', 'GREATER_THAN', 'EXISTS'],
};

const scalar = z.union([text().max(1000), z.number().finite()]);
export const predicateSchema = z.strictObject({
  type: z.literal('predicate'),
  property: nameText().min(1).max(100),
  operation: z.enum(OPERATIONS),
  /** A list means "any of" for EQUALS / NOT_EQUALS / CONTAINS_EXACT / LIKE / subnets; EXISTS takes none. */
  value: z.union([scalar, z.array(scalar).max(500)]).optional(),
});
export type Predicate = z.infer<typeof predicateSchema>;

export type Condition = Predicate | { type: 'and' | 'or'; items: Condition[] } | { type: 'not'; item: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('type', [
    predicateSchema,
    z.strictObject({ type: z.literal('and'), items: z.array(conditionSchema).min(1).max(100) }),
    z.strictObject({ type: z.literal('or'), items: z.array(conditionSchema).min(1).max(100) }),
    z.strictObject({ type: z.literal('not'), item: conditionSchema }),
  ]),
);

/** An incident's attributes as predicates see them; undefined/null/empty list = missing. */
export type Attributes = Record<string, string | number | string[] | null | undefined>;

// ------------------------------------------------------------------ validation

export type ConditionProblem = { path: string; message: string };

const describe = (p: Predicate) => `${p.property} ${p.operation}${p.value === undefined ? '' : ` ${JSON.stringify(p.value)}`}`;

function values(p: Predicate): (string | number)[] {
  return p.value === undefined ? [] : Array.isArray(p.value) ? p.value : [p.value];
}

function checkPredicate(p: Predicate): string | null {
  const def = PROPERTY.get(p.property);
  if (!def) return `unknown property "${p.property}"; use one of ${PROPERTIES.map((x) => x.key).join(', ')}.`;
  if (!OPERATIONS_BY_KIND[def.kind].includes(p.operation))
    return `${def.label} does not support ${p.operation}; use one of ${OPERATIONS_BY_KIND[def.kind].join(', ')}.`;
  if (p.operation === 'EXISTS') return p.value === undefined ? null : 'EXISTS takes no value.';
  const vs = values(p);
  if (!vs.length) return Array.isArray(p.value) ? 'the list of values is empty; give at least one.' : 'a value is required.';
  const singleOnly = ['AFTER', 'BEFORE', 'LESS_THAN', 'GREATER_THAN'].includes(p.operation);
  if (singleOnly && vs.length > 1) return `${p.operation} takes one value, not a list.`;
  for (const v of vs) {
    const bad = checkValue(def, p.operation, v);
    if (bad) return bad;
  }
  return null;
}

function checkValue(def: PropertyDef, op: Operation, v: string | number): string | null {
  if (op === 'IN_IPv4_SUBNET' || op === 'IN_IPv6_SUBNET') {
    const family = op === 'IN_IPv4_SUBNET' ? 'ipv4' : 'ipv6';
    if (typeof v !== 'string') return `${v} is not a CIDR such as ${family === 'ipv4' ? '10.0.0.0/8' : '2001:db8::/32'}.`;
    try {
      const [addr] = ipaddr.parseCIDR(v);
      if (addr.kind() !== family) return `${v} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} subnet.`;
    } catch {
      return `${v} is not a valid CIDR (address/prefix, e.g. ${family === 'ipv4' ? '10.0.0.0/8' : '2001:db8::/32'}).`;
    }
    return null;
  }
  switch (def.kind) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : `${def.label} is a number; ${JSON.stringify(v)} is not.`;
    case 'date':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? null : `${def.label} is a date; give an ISO date such as 2026-01-31T00:00:00Z.`;
    case 'rank':
      return typeof v === 'string' && def.ranks!.includes(v) ? null : `${def.label} is one of ${def.ranks!.join(', ')}; ${JSON.stringify(v)} is not.`;
    case 'ip':
      return typeof v === 'string' && ipaddr.isValid(v) ? null : `${JSON.stringify(v)} is not an IP address.`;
    default:
      return typeof v === 'string' ? null : `${def.label} is text; give the value in quotes.`;
  }
}

/** Every problem in the tree, each naming the predicate (its path and its text). */
export function validateCondition(c: Condition, path = 'condition'): ConditionProblem[] {
  if (c.type === 'predicate') {
    const bad = checkPredicate(c);
    return bad ? [{ path, message: `predicate [${describe(c)}]: ${bad}` }] : [];
  }
  if (c.type === 'not') return validateCondition(c.item, `${path}.item`);
  return c.items.flatMap((it, i) => validateCondition(it, `${path}.items.${i}`));
}

// ------------------------------------------------------------------ evaluation

export type Verdict = { ok: boolean; reason: string };

const isMissing = (v: Attributes[string]) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** LIKE patterns compiled once: ingestion tests the same few statements against every incident. */
const likeCache = new Map<string, RegExp>();

/** LIKE: `%` any run of characters, `_` one character, case-insensitive, the whole value. */
function likeRegex(pattern: string): RegExp {
  const hit = likeCache.get(pattern);
  if (hit) return hit;
  let out = '';
  for (const ch of pattern) out += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A leading or trailing `%` is an unanchored end (the same matches, as `s` lets `.` take any
  // character): the engine then scans for the literal instead of backtracking over `.*` from each
  // position, which is most of the cost of a non-matching `%…%` pattern.
  const head = out.startsWith('.*') ? out.replace(/^(\.\*)+/, '') : `^${out}`;
  const body = /(^|[^\\])(\.\*)+$/.test(head) ? head.replace(/(\.\*)+$/, '') : `${head}$`;
  const re = new RegExp(body, 'is');
  if (likeCache.size > 10_000) likeCache.clear();
  likeCache.set(pattern, re);
  return re;
}

function inSubnet(ip: string, cidr: string, family: 'ipv4' | 'ipv6'): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip);
  // An IPv4-mapped IPv6 address (::ffff:10.1.2.3) is its IPv4 address for an IPv4 subnet.
  if (family === 'ipv4' && addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() !== family) return false;
  const range = ipaddr.parseCIDR(cidr);
  return addr.match(range);
}

function sameIp(a: string, b: string): boolean {
  try {
    return ipaddr.process(a).toString() === ipaddr.process(b).toString();
  } catch {
    return a === b;
  }
}

/** Does the predicate hold for these attributes? Assumes `validateCondition` passed. */
function test(p: Predicate, attrs: Attributes): boolean {
  const def = PROPERTY.get(p.property)!;
  const actual = attrs[p.property];
  if (p.operation === 'EXISTS') return !isMissing(actual);
  // A missing attribute neither equals nor contains anything: the negative operations hold.
  if (isMissing(actual)) return p.operation === 'NOT_EQUALS' || p.operation === 'NOT_CONTAINS_EXACT';
  const vs = values(p);
  const items = Array.isArray(actual) ? actual.map(String) : [actual!];
  switch (p.operation) {
    case 'EQUALS':
    case 'NOT_EQUALS': {
      const eq = (a: string | number, v: string | number) => (def.kind === 'ip' ? sameIp(String(a), String(v)) : a === v || String(a) === String(v));
      // A list attribute EQUALS a value when one of its items is that value.
      const hit = items.some((a) => vs.some((v) => eq(a, v)));
      return p.operation === 'EQUALS' ? hit : !hit;
    }
    case 'CONTAINS_EXACT':
    case 'NOT_CONTAINS_EXACT': {
      // Text: a case-sensitive substring. List: an item exactly equal to the value.
      const hit = Array.isArray(actual) ? items.some((a) => vs.some((v) => a === String(v))) : vs.some((v) => String(actual).includes(String(v)));
      return p.operation === 'CONTAINS_EXACT' ? hit : !hit;
    }
    case 'LIKE': {
      const res = vs.map((v) => likeRegex(String(v)));
      return items.some((a) => res.some((r) => r.test(String(a))));
    }
    case 'LESS_THAN':
    case 'GREATER_THAN': {
      const toNum = (x: string | number) => (def.kind === 'rank' ? def.ranks!.indexOf(String(x)) : Number(x));
      const a = toNum(actual as string | number);
      const v = toNum(vs[0]);
      if (Number.isNaN(a) || a < 0) return false;
      return p.operation === 'LESS_THAN' ? a < v : a > v;
    }
    case 'AFTER':
    case 'BEFORE': {
      const a = Date.parse(String(actual));
      const v = Date.parse(String(vs[0]));
      if (Number.isNaN(a)) return false;
      return p.operation === 'AFTER' ? a > v : a < v;
    }
    case 'IN_IPv4_SUBNET':
    case 'IN_IPv6_SUBNET':
      return items.some((a) => vs.some((v) => inSubnet(String(a), String(v), p.operation === 'IN_IPv4_SUBNET' ? 'ipv4' : 'ipv6')));
  }
  return false;
}

/** The verdict with a sentence saying why (the Test panel shows it for statements that did not match). */
export function evaluate(c: Condition, attrs: Attributes): Verdict {
  switch (c.type) {
    case 'predicate': {
      const ok = test(c, attrs);
      const actual = attrs[c.property];
      const shown = isMissing(actual) ? 'missing' : JSON.stringify(actual);
      return { ok, reason: `${describe(c)} is ${ok ? 'true' : 'false'} (${c.property} is ${shown})` };
    }
    case 'not': {
      const inner = evaluate(c.item, attrs);
      return { ok: !inner.ok, reason: `NOT of: ${inner.reason}` };
    }
    case 'and': {
      for (const it of c.items) {
        const v = evaluate(it, attrs);
        if (!v.ok) return { ok: false, reason: v.reason };
      }
      return { ok: true, reason: 'every condition holds' };
    }
    case 'or': {
      const reasons: string[] = [];
      for (const it of c.items) {
        const v = evaluate(it, attrs);
        if (v.ok) return v;
        reasons.push(v.reason);
      }
      return { ok: false, reason: `none of: ${reasons.join('; ')}` };
    }
  }
}

// ------------------------------------------------------------------ compiled evaluation

type Matcher = (attrs: Attributes) => boolean;
type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Parsed attribute addresses: an incident's Client IP is tested by every subnet predicate. */
const addressCache = new Map<string, Address | null>();
function addressOf(ip: string): Address | null {
  let hit = addressCache.get(ip);
  if (hit !== undefined) return hit;
  hit = ipaddr.isValid(ip) ? ipaddr.parse(ip) : null;
  if (addressCache.size > 10_000) addressCache.clear();
  addressCache.set(ip, hit);
  return hit;
}

/**
 * The last date parsed: the date predicates of every statement read the same incident's date one
 * after another, so one entry saves all but the first parse.
 */
let lastDate: { text: string; ms: number } = { text: '', ms: NaN };
function parsedDate(text: string): number {
  if (lastDate.text !== text) lastDate = { text, ms: Date.parse(text) };
  return lastDate.ms;
}

const normalIp = (x: string) => {
  try {
    return ipaddr.process(x).toString();
  } catch {
    return x;
  }
};

/** The predicate as a closure over its parsed values; the same answers as `test`. */
function compilePredicate(p: Predicate): Matcher {
  const def = PROPERTY.get(p.property)!;
  const key = p.property;
  if (p.operation === 'EXISTS') return (a) => !isMissing(a[key]);
  const whenMissing = p.operation === 'NOT_EQUALS' || p.operation === 'NOT_CONTAINS_EXACT';
  const vs = values(p);
  const guarded =
    (f: (actual: string | number | string[]) => boolean): Matcher =>
    (a) => {
      const actual = a[key];
      return isMissing(actual) ? whenMissing : f(actual!);
    };
  // A loop, not `some` with a closure: this runs for every statement on every incident.
  const anyItem = (actual: string | number | string[], f: (x: string) => boolean) => {
    if (!Array.isArray(actual)) return f(typeof actual === 'string' ? actual : String(actual));
    for (const x of actual) if (f(String(x))) return true;
    return false;
  };
  switch (p.operation) {
    case 'EQUALS':
    case 'NOT_EQUALS': {
      const ip = def.kind === 'ip';
      const wanted = new Set(vs.map((v) => (ip ? normalIp(String(v)) : String(v))));
      const itemHit = ip ? (x: string) => wanted.has(normalIp(x)) : (x: string) => wanted.has(x);
      const hit = (actual: string | number | string[]) => anyItem(actual, itemHit);
      return p.operation === 'EQUALS' ? guarded(hit) : guarded((x) => !hit(x));
    }
    case 'CONTAINS_EXACT':
    case 'NOT_CONTAINS_EXACT': {
      const wanted = vs.map(String);
      const exact = new Set(wanted);
      const hit = (actual: string | number | string[]) =>
        Array.isArray(actual) ? actual.some((x) => exact.has(String(x))) : wanted.some((v) => String(actual).includes(v));
      return p.operation === 'CONTAINS_EXACT' ? guarded(hit) : guarded((x) => !hit(x));
    }
    case 'LIKE': {
      const res = vs.map((v) => likeRegex(String(v)));
      const itemHit = res.length === 1 ? (x: string) => res[0].test(x) : (x: string) => res.some((r) => r.test(x));
      return guarded((actual) => anyItem(actual, itemHit));
    }
    case 'LESS_THAN':
    case 'GREATER_THAN': {
      const toNum = (x: string | number) => (def.kind === 'rank' ? def.ranks!.indexOf(String(x)) : Number(x));
      const v = toNum(vs[0]);
      const less = p.operation === 'LESS_THAN';
      return guarded((actual) => {
        const n = toNum(actual as string | number);
        if (Number.isNaN(n) || n < 0) return false;
        return less ? n < v : n > v;
      });
    }
    case 'AFTER':
    case 'BEFORE': {
      const v = Date.parse(String(vs[0]));
      const after = p.operation === 'AFTER';
      return guarded((actual) => {
        const n = parsedDate(String(actual));
        if (Number.isNaN(n)) return false;
        return after ? n > v : n < v;
      });
    }
    case 'IN_IPv4_SUBNET':
    case 'IN_IPv6_SUBNET': {
      const family = p.operation === 'IN_IPv4_SUBNET' ? 'ipv4' : 'ipv6';
      const ranges = vs.map((v) => ipaddr.parseCIDR(String(v)));
      const itemHit = (x: string) => {
        let addr = addressOf(x);
        if (!addr) return false;
        if (family === 'ipv4' && addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
        if (addr.kind() !== family) return false;
        for (const r of ranges) if (addr.match(r)) return true;
        return false;
      };
      return guarded((actual) => anyItem(actual, itemHit));
    }
  }
  return () => false;
}

/** The condition as one function, built once per condition: what ingestion runs per incident. */
export function compileCondition(c: Condition): Matcher {
  switch (c.type) {
    case 'predicate':
      return compilePredicate(c);
    case 'not': {
      const m = compileCondition(c.item);
      return (a) => !m(a);
    }
    case 'and': {
      const ms = c.items.map(compileCondition);
      return (a) => {
        for (const m of ms) if (!m(a)) return false;
        return true;
      };
    }
    case 'or': {
      const ms = c.items.map(compileCondition);
      return (a) => {
        for (const m of ms) if (m(a)) return true;
        return false;
      };
    }
  }
}

/** Compiled conditions by identity: a statement's parsed condition is kept while its mapping version is. */
const compiled = new WeakMap<Condition, Matcher>();

/** True when the condition holds (no explanation built): the ingestion path. */
export function matches(c: Condition, attrs: Attributes): boolean {
  let m = compiled.get(c);
  if (!m) {
    m = compileCondition(c);
    compiled.set(c, m);
  }
  return m(attrs);
}

/**
 * Values a condition cannot hold without: for at least one entry, the attribute `property` is one
 * of `values` or, for a list, has an item that is. Null when no such values can be named (the
 * condition must be tested on every incident); an empty list when it can never hold. Built from the
 * same semantics as the evaluator, so a statement index can skip incidents that lack them.
 */
export type Requirement = { property: string; values: string[] }[];

const size = (r: Requirement) => r.reduce((n, e) => n + e.values.length, 0);

export function requirementOf(c: Condition): Requirement | null {
  switch (c.type) {
    case 'predicate': {
      const def = PROPERTY.get(c.property);
      // IP addresses are compared in any notation, and a text CONTAINS_EXACT is a substring: no exact values.
      const exact = def && ((c.operation === 'EQUALS' && def.kind !== 'ip') || (c.operation === 'CONTAINS_EXACT' && def.kind === 'list'));
      const vs = values(c);
      return exact && vs.length ? [{ property: c.property, values: vs.map(String) }] : null;
    }
    case 'not':
      return null;
    case 'and': {
      // Any one item's values will do; the fewest skip the most incidents.
      let best: Requirement | null = null;
      for (const it of c.items) {
        const r = requirementOf(it);
        if (r && (best === null || size(r) < size(best))) best = r;
      }
      return best;
    }
    case 'or': {
      const out: Requirement = [];
      for (const it of c.items) {
        const r = requirementOf(it);
        if (r === null) return null;
        out.push(...r);
      }
      return out;
    }
  }
}

/** Whether the property holds a list (then a value that is not one is tested against every requirement on it). */
export function isListProperty(property: string): boolean {
  return PROPERTY.get(property)?.kind === 'list';
}

/** Every property the condition reads (ingestion loads only what the statements read). */
export function propertiesOf(c: Condition, into = new Set<string>()): Set<string> {
  if (c.type === 'predicate') into.add(c.property);
  else if (c.type === 'not') propertiesOf(c.item, into);
  else for (const it of c.items) propertiesOf(it, into);
  return into;
}
