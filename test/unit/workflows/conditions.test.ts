import { describe, expect, it } from 'vitest';
import { evaluate, matches, validateCondition, type Attributes, type Condition, type Predicate } from '../../../src/modules/workflows/conditions.js';

const attrs: Attributes = {
  severity: 'High',
  priority: 'Medium',
  status: 'New',
  sourceType: 'Inline',
  rules: ['PCI Rule', 'HIPAA Rule'],
  dictionaries: ['Credit Cards'],
  matchCount: 12,
  userEmail: 'jane@corp.example',
  department: 'Finance',
  clientIp: '10.1.2.3',
  fileName: 'Q3 report.xlsx',
  fileType: 'xlsx',
  labels: [],
  destination: null,
  incidentDate: '2026-03-10T12:00:00.000Z',
};

const p = (property: string, operation: Predicate['operation'], value?: Predicate['value']): Predicate => ({ type: 'predicate', property, operation, value });
const holds = (c: Condition, a: Attributes = attrs) => {
  // The fast path and the explaining path must always agree.
  const fast = matches(c, a);
  expect(evaluate(c, a).ok).toBe(fast);
  return fast;
};

describe('EQUALS / NOT_EQUALS', () => {
  it('compares text exactly', () => {
    expect(holds(p('department', 'EQUALS', 'Finance'))).toBe(true);
    expect(holds(p('department', 'EQUALS', 'finance'))).toBe(false);
    expect(holds(p('department', 'NOT_EQUALS', 'HR'))).toBe(true);
    expect(holds(p('department', 'NOT_EQUALS', 'Finance'))).toBe(false);
  });
  it('a list value means any of', () => {
    expect(holds(p('department', 'EQUALS', ['HR', 'Finance']))).toBe(true);
    expect(holds(p('department', 'NOT_EQUALS', ['HR', 'Legal']))).toBe(true);
    expect(holds(p('department', 'NOT_EQUALS', ['HR', 'Finance']))).toBe(false);
  });
  it('a list attribute equals a value when one item is it', () => {
    expect(holds(p('rules', 'EQUALS', 'HIPAA Rule'))).toBe(true);
    expect(holds(p('rules', 'EQUALS', 'HIPAA'))).toBe(false);
  });
  it('numbers and ranks', () => {
    expect(holds(p('matchCount', 'EQUALS', 12))).toBe(true);
    expect(holds(p('severity', 'EQUALS', 'High'))).toBe(true);
    expect(holds(p('severity', 'NOT_EQUALS', 'Critical'))).toBe(true);
  });
  it('IP addresses in any notation', () => {
    expect(holds(p('clientIp', 'EQUALS', '10.1.2.3'))).toBe(true);
    expect(holds(p('clientIp', 'EQUALS', '::ffff:10.1.2.3'))).toBe(true);
    expect(holds(p('clientIp', 'EQUALS', '10.1.2.4'))).toBe(false);
  });
});

describe('CONTAINS_EXACT / NOT_CONTAINS_EXACT', () => {
  it('text: case-sensitive substring', () => {
    expect(holds(p('fileName', 'CONTAINS_EXACT', 'report'))).toBe(true);
    expect(holds(p('fileName', 'CONTAINS_EXACT', 'Report'))).toBe(false);
    expect(holds(p('fileName', 'NOT_CONTAINS_EXACT', 'Report'))).toBe(true);
  });
  it('list: an item exactly equal, not a substring of one', () => {
    expect(holds(p('rules', 'CONTAINS_EXACT', 'PCI Rule'))).toBe(true);
    expect(holds(p('rules', 'CONTAINS_EXACT', 'PCI'))).toBe(false);
    expect(holds(p('rules', 'NOT_CONTAINS_EXACT', 'PCI'))).toBe(true);
    expect(holds(p('rules', 'NOT_CONTAINS_EXACT', 'PCI Rule'))).toBe(false);
  });
});

describe('LIKE', () => {
  it('% matches any run, _ one character, whole value, case-insensitive', () => {
    expect(holds(p('userEmail', 'LIKE', '%@corp.example'))).toBe(true);
    expect(holds(p('userEmail', 'LIKE', 'JANE@%'))).toBe(true);
    expect(holds(p('userEmail', 'LIKE', 'jan_@corp.example'))).toBe(true);
    expect(holds(p('userEmail', 'LIKE', 'ja_@corp.example'))).toBe(false);
    expect(holds(p('userEmail', 'LIKE', 'corp'))).toBe(false);
    expect(holds(p('fileName', 'LIKE', '%.xls_'))).toBe(true);
  });
  it('regular-expression characters are literal', () => {
    expect(holds(p('fileName', 'LIKE', 'Q3 report.xlsx'))).toBe(true);
    expect(holds(p('fileName', 'LIKE', 'Q3 report.xls.'))).toBe(false);
    expect(holds(p('fileName', 'LIKE', '(Q3)%'))).toBe(false);
  });
  it('on a list, any item', () => {
    expect(holds(p('rules', 'LIKE', 'hipaa%'))).toBe(true);
  });
  it('a leading or trailing % leaves that end open and the other anchored', () => {
    const file = (fileName: string) => ({ ...attrs, fileName });
    expect(holds(p('fileName', 'LIKE', '%'), file('anything'))).toBe(true);
    expect(holds(p('fileName', 'LIKE', '%%'), file('x'))).toBe(true);
    expect(holds(p('fileName', 'LIKE', '%report%'), file('Q3 REPORT.xlsx'))).toBe(true);
    expect(holds(p('fileName', 'LIKE', '%report%'), file('Q3 repor.xlsx'))).toBe(false);
    expect(holds(p('fileName', 'LIKE', '%.xlsx'), file('a.xlsx.zip'))).toBe(false);
    expect(holds(p('fileName', 'LIKE', 'Q3%'), file('A Q3 report'))).toBe(false);
    expect(holds(p('fileName', 'LIKE', '%2%.xlsx'), file('bench-2 copy.xlsx'))).toBe(true);
    expect(holds(p('fileName', 'LIKE', '%2%.xlsx'), file('bench-2 copy.xlsxx'))).toBe(false);
    // Any character, a line break too, and `.` / `*` / `\` stay literal next to an open end.
    expect(holds(p('fileName', 'LIKE', '%line%'), file('first\nline\nlast'))).toBe(true);
    expect(holds(p('fileName', 'LIKE', 'a.*'), file('a.*'))).toBe(true);
    expect(holds(p('fileName', 'LIKE', 'a.*'), file('a.*b'))).toBe(false);
    expect(holds(p('fileName', 'LIKE', 'a.%'), file('a.b'))).toBe(true);
    expect(holds(p('fileName', 'LIKE', 'a.%'), file('ab'))).toBe(false);
    expect(holds(p('fileName', 'LIKE', 'a\\%'), file('a\\b'))).toBe(true);
    expect(holds(p('fileName', 'LIKE', '%\\'), file('b\\a'))).toBe(false);
    expect(holds(p('fileName', 'LIKE', '_%'), file(''))).toBe(false);
  });
});

describe('LESS_THAN / GREATER_THAN', () => {
  it('numbers', () => {
    expect(holds(p('matchCount', 'GREATER_THAN', 10))).toBe(true);
    expect(holds(p('matchCount', 'GREATER_THAN', 12))).toBe(false);
    expect(holds(p('matchCount', 'LESS_THAN', 13))).toBe(true);
  });
  it('severity and priority by rank, not alphabetically', () => {
    expect(holds(p('severity', 'GREATER_THAN', 'Medium'))).toBe(true);
    expect(holds(p('severity', 'LESS_THAN', 'Critical'))).toBe(true);
    expect(holds(p('severity', 'GREATER_THAN', 'High'))).toBe(false);
    expect(holds(p('priority', 'LESS_THAN', 'High'))).toBe(true);
  });
});

describe('AFTER / BEFORE', () => {
  it('compares instants, whatever the offset', () => {
    expect(holds(p('incidentDate', 'AFTER', '2026-03-10T11:59:59Z'))).toBe(true);
    expect(holds(p('incidentDate', 'AFTER', '2026-03-10T12:00:00Z'))).toBe(false);
    expect(holds(p('incidentDate', 'BEFORE', '2026-03-10T13:00:01+01:00'))).toBe(true);
    expect(holds(p('incidentDate', 'BEFORE', '2026-03-10'))).toBe(false);
  });
});

describe('IN_IPv4_SUBNET / IN_IPv6_SUBNET', () => {
  it('IPv4', () => {
    expect(holds(p('clientIp', 'IN_IPv4_SUBNET', '10.0.0.0/8'))).toBe(true);
    expect(holds(p('clientIp', 'IN_IPv4_SUBNET', '10.1.2.0/24'))).toBe(true);
    expect(holds(p('clientIp', 'IN_IPv4_SUBNET', '10.1.3.0/24'))).toBe(false);
    expect(holds(p('clientIp', 'IN_IPv4_SUBNET', ['192.168.0.0/16', '10.1.0.0/16']))).toBe(true);
    expect(holds(p('clientIp', 'IN_IPv4_SUBNET', '0.0.0.0/0'))).toBe(true);
  });
  it('an IPv4-mapped IPv6 address counts for IPv4 subnets', () => {
    expect(holds(p('clientIp', 'IN_IPv4_SUBNET', '10.0.0.0/8'), { clientIp: '::ffff:10.9.9.9' })).toBe(true);
  });
  it('IPv6', () => {
    const v6 = { clientIp: '2001:db8:abcd:12::1' };
    expect(holds(p('clientIp', 'IN_IPv6_SUBNET', '2001:db8::/32'), v6)).toBe(true);
    expect(holds(p('clientIp', 'IN_IPv6_SUBNET', '2001:db8:abcd:13::/64'), v6)).toBe(false);
    expect(holds(p('clientIp', 'IN_IPv6_SUBNET', '2001:db8::/32'))).toBe(false); // an IPv4 address is in no IPv6 subnet
    expect(holds(p('clientIp', 'IN_IPv4_SUBNET', '10.0.0.0/8'), v6)).toBe(false);
  });
  it('a malformed address in the incident matches no subnet', () => {
    expect(holds(p('clientIp', 'IN_IPv4_SUBNET', '10.0.0.0/8'), { clientIp: 'not-an-ip' })).toBe(false);
  });
});

describe('EXISTS and missing attributes', () => {
  it('EXISTS is false for missing, null, empty text and empty lists', () => {
    expect(holds(p('department', 'EXISTS'))).toBe(true);
    expect(holds(p('destination', 'EXISTS'))).toBe(false);
    expect(holds(p('labels', 'EXISTS'))).toBe(false);
    expect(holds(p('host', 'EXISTS'))).toBe(false);
    expect(holds(p('host', 'EXISTS'), { host: '' })).toBe(false);
  });
  it('a missing attribute fails positive operations and satisfies negative ones', () => {
    for (const op of ['EQUALS', 'CONTAINS_EXACT', 'LIKE'] as const) expect(holds(p('host', op, 'x'))).toBe(false);
    expect(holds(p('matchCount', 'GREATER_THAN', 0), {})).toBe(false);
    expect(holds(p('matchCount', 'LESS_THAN', 100), {})).toBe(false);
    expect(holds(p('incidentDate', 'BEFORE', '2030-01-01T00:00:00Z'), {})).toBe(false);
    expect(holds(p('clientIp', 'IN_IPv4_SUBNET', '0.0.0.0/0'), {})).toBe(false);
    expect(holds(p('host', 'NOT_EQUALS', 'x'))).toBe(true);
    expect(holds(p('labels', 'NOT_CONTAINS_EXACT', 'VIP'))).toBe(true);
  });
});

describe('NOT / AND / OR nesting', () => {
  const high = p('severity', 'EQUALS', 'High');
  const hr = p('department', 'EQUALS', 'HR');
  const pci = p('rules', 'CONTAINS_EXACT', 'PCI Rule');
  it('AND needs all, OR needs one, NOT inverts', () => {
    expect(holds({ type: 'and', items: [high, pci] })).toBe(true);
    expect(holds({ type: 'and', items: [high, hr] })).toBe(false);
    expect(holds({ type: 'or', items: [hr, pci] })).toBe(true);
    expect(holds({ type: 'or', items: [hr, { type: 'not', item: pci }] })).toBe(false);
    expect(holds({ type: 'not', item: hr })).toBe(true);
  });
  it('deep nesting: (High AND NOT (HR OR Legal)) OR (Critical)', () => {
    const c: Condition = {
      type: 'or',
      items: [
        { type: 'and', items: [high, { type: 'not', item: { type: 'or', items: [hr, p('department', 'EQUALS', 'Legal')] } }] },
        p('severity', 'EQUALS', 'Critical'),
      ],
    };
    expect(holds(c)).toBe(true);
    expect(holds(c, { ...attrs, department: 'Legal' })).toBe(false);
    expect(holds(c, { ...attrs, department: 'Legal', severity: 'Critical' })).toBe(true);
    expect(holds({ type: 'not', item: { type: 'not', item: c } })).toBe(true);
  });
  it('the explanation names the predicate that failed', () => {
    const v = evaluate({ type: 'and', items: [high, hr] }, attrs);
    expect(v.reason).toContain('department EQUALS "HR" is false (department is "Finance")');
    expect(evaluate(p('host', 'EQUALS', 'x'), attrs).reason).toContain('host is missing');
    expect(evaluate({ type: 'or', items: [hr, p('severity', 'EQUALS', 'Low')] }, attrs).reason).toMatch(/^none of: department .*; severity /);
  });
});

describe('validation names the bad predicate', () => {
  const problem = (c: Condition) => validateCondition(c).map((x) => `${x.path}: ${x.message}`);
  it('accepts good predicates', () => {
    expect(
      problem({ type: 'and', items: [p('severity', 'GREATER_THAN', 'Medium'), p('clientIp', 'IN_IPv6_SUBNET', 'fd00::/8'), p('host', 'EXISTS')] }),
    ).toEqual([]);
  });
  it('unknown property, wrong operation for the property', () => {
    expect(problem(p('colour', 'EQUALS', 'x'))[0]).toContain(
      'condition: predicate [colour EQUALS "x"]: unknown property "colour"; use one of severity, priority',
    );
    expect(problem(p('incidentDate', 'LIKE', '2026%'))[0]).toContain('Incident Date does not support LIKE; use one of AFTER, BEFORE, EXISTS.');
  });
  it('wrong value type for the property', () => {
    expect(problem(p('matchCount', 'GREATER_THAN', 'ten'))[0]).toContain('Match Count is a number; "ten" is not.');
    expect(problem(p('severity', 'EQUALS', 'Hgh'))[0]).toContain('Severity is one of Info, Low, Medium, High, Critical; "Hgh" is not.');
    expect(problem(p('incidentDate', 'AFTER', 'yesterday'))[0]).toContain('Incident Date is a date');
    expect(problem(p('department', 'EQUALS', 5))[0]).toContain('Department is text');
    expect(problem(p('clientIp', 'EQUALS', '10.0.0.300'))[0]).toContain('"10.0.0.300" is not an IP address.');
  });
  it('bad CIDR, wrong family', () => {
    expect(problem(p('clientIp', 'IN_IPv4_SUBNET', '10.0.0.0/33'))[0]).toContain('10.0.0.0/33 is not a valid CIDR');
    expect(problem(p('clientIp', 'IN_IPv4_SUBNET', '10.0.0.0'))[0]).toContain('is not a valid CIDR');
    expect(problem(p('clientIp', 'IN_IPv4_SUBNET', 'fd00::/8'))[0]).toContain('fd00::/8 is not an IPv4 subnet.');
    expect(problem(p('clientIp', 'IN_IPv6_SUBNET', '10.0.0.0/8'))[0]).toContain('10.0.0.0/8 is not an IPv6 subnet.');
  });
  it('empty list, missing value, value on EXISTS, list where one value is expected', () => {
    expect(problem(p('department', 'EQUALS', []))[0]).toContain('the list of values is empty');
    expect(problem(p('department', 'EQUALS'))[0]).toContain('a value is required.');
    expect(problem(p('department', 'EXISTS', 'x'))[0]).toContain('EXISTS takes no value.');
    expect(problem(p('matchCount', 'LESS_THAN', [1, 2]))[0]).toContain('LESS_THAN takes one value, not a list.');
  });
  it('the path points into the tree', () => {
    const c: Condition = { type: 'and', items: [p('severity', 'EQUALS', 'High'), { type: 'not', item: p('clientIp', 'IN_IPv4_SUBNET', 'bad') }] };
    expect(validateCondition(c)[0].path).toBe('condition.items.1.item');
  });
});
