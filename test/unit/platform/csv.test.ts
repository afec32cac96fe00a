import { describe, expect, it } from 'vitest';
import { csvLines, parseCsv, toCsv } from '../../../src/platform/csv.js';

const line = (...cells: unknown[]) => csvLines([cells]);

describe('CSV writer', () => {
  it('writes plain cells as they are, one CRLF-ended line per row, empty for null and undefined', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x'],
          [null, undefined],
        ],
      ),
    ).toBe('a,b\r\n1,x\r\n,\r\n');
  });

  it('quotes a cell holding a quote, comma or line break, doubling its quotes', () => {
    expect(line('say "hi"', 'a,b', 'two\nlines', 'cr\rhere')).toBe('"say ""hi""","a,b","two\nlines","cr\rhere"\r\n');
  });

  it('quotes a cell with surrounding spaces so readers that trim keep them', () => {
    expect(line(' padded ', 'inner space')).toBe('" padded ",inner space\r\n');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a cell starting a formula: %j', (value, written) => {
    expect(line(value)).toBe(`${written}\r\n`);
  });

  it.each([
    ['a;=HYPERLINK("x")', `"a;'=HYPERLINK(""x"")"`],
    ['a; =1', "a; '=1"],
    ['x|@SUM(1)', "x|'@SUM(1)"],
    ['one\t+1', "one\t'+1"],
    ['=a;-1', "'=a;'-1"],
  ])('neutralises a formula after a separator another locale splits on: %j', (value, written) => {
    expect(line(value)).toBe(`${written}\r\n`);
  });

  it('leaves a formula character that does not start the cell alone', () => {
    expect(line('a=b', 'x-1', 'me@example.com')).toBe('a=b,x-1,me@example.com\r\n');
  });

  it('neutralises the header too, and reads back as the prefixed text', () => {
    const text = toCsv(['=cmd'], [['=1+1', 'plain, text']]);
    expect(parseCsv(text).map((r) => r.fields)).toEqual([["'=cmd"], ["'=1+1", 'plain, text']]);
  });
});

describe('CSV reader', () => {
  it('reads quoted fields, doubled quotes, CRLF or LF, a BOM, and skips blank lines keeping line numbers', () => {
    const rows = parseCsv('\uFEFFemail,integration\r\n"a@x.example","Acme, Inc"\n\n"say ""hi""",b\n');
    expect(rows).toEqual([
      { line: 1, fields: ['email', 'integration'] },
      { line: 2, fields: ['a@x.example', 'Acme, Inc'] },
      { line: 4, fields: ['say "hi"', 'b'] },
    ]);
  });

  it('refuses an unclosed quote and a quote inside a field', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/not closed/);
    expect(() => parseCsv('a,b"c"\n')).toThrow(/quote may only start a field/);
  });
});
