/**
 * The one CSV reader/writer of the product (RFC 4180: quoted fields, doubled quotes, CRLF or LF,
 * a UTF-8 BOM). Every CSV we produce goes through `csvCell`, which also neutralises spreadsheet
 * formulas: an exported name like `=HYPERLINK(...)` is shown as text, not run.
 */

export class CsvError extends Error {}

/** Parses CSV text into rows of fields. Blank lines are skipped; each row keeps its 1-based line number. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === '' && !fieldStarted)) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field.trim() !== '') throw new CsvError(`Line ${line}: a quote may only start a field. Put the whole field in quotes.`);
      field = '';
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new CsvError(`Line ${rowLine}: a quoted field is not closed.`);
  if (field !== '' || fields.length || fieldStarted) endRow();
  return rows;
}

/**
 * A cell that starts with one of these is a formula to Excel, LibreOffice or Google Sheets (tab and
 * carriage return too, as they can hide one); OWASP's advice is to prefix it with a quote.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A spreadsheet set to another separator (`;` in much of Europe, tab or `|` on paste) splits a cell
 * there, so a formula right after one of those (spaces or a quote between allowed) starts a cell
 * too. Commas are left alone: every reader that splits on them also honours our quotes.
 */
const FORMULA_AFTER_SEPARATOR = /([;\t|][\s"']*)(?=[=+\-@])/g;

/**
 * One cell: formulas neutralised, then quoted when it holds a quote, comma or line break, or starts
 * or ends with a space (which some readers would trim).
 */
function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  // A separator at the very start is a formula start itself, handled just below.
  s = s.replace(FORMULA_AFTER_SEPARATOR, (sep: string, _g: string, at: number) => (at === 0 ? sep : `${sep}'`));
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of cells as CSV lines, each ending in CRLF (a streamed file is a sequence of these). */
export function csvLines(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const r of rows) out += `${r.map(csvCell).join(',')}\r\n`;
  return out;
}

/** A whole CSV file: the header line, then the rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return csvLines([header, ...rows]);
}

/** What a file with a header line must hold; each message is a sentence shown to the admin as is. */
export type CsvTableSpec<C extends string> = {
  /** Columns read by name (header matched case-insensitively, in any order); missing optional ones read as ''. */
  columns: readonly C[];
  /** Columns the header must name. */
  required: readonly C[];
  maxRows: number;
  /** Shown when the header lacks a required column. */
  headerMessage: string;
  /** Shown when there is a header but no data line. */
  emptyMessage: string;
  /** Shown when the file has more than `maxRows` data lines. */
  tooManyMessage: (rows: number) => string;
};

/**
 * Reads a CSV import file (header line, then one record per line) into records keyed by column
 * name, each value trimmed and capped at 500 characters (what an import row stores). Throws
 * CsvError with the spec's sentence, or "The file is not valid CSV." and the parser's.
 */
export function readCsvTable<C extends string>(text: string, spec: CsvTableSpec<C>): { line: number; values: Record<C, string> }[] {
  let parsed;
  try {
    parsed = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new CsvError(`The file is not valid CSV. ${err.message}`);
    throw err;
  }
  const header = parsed.shift();
  const names = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const at = new Map(spec.columns.map((c) => [c, names.indexOf(c.toLowerCase())]));
  if (spec.required.some((c) => (at.get(c) ?? -1) < 0)) throw new CsvError(spec.headerMessage);
  if (!parsed.length) throw new CsvError(spec.emptyMessage);
  if (parsed.length > spec.maxRows) throw new CsvError(spec.tooManyMessage(parsed.length));
  return parsed.map((r) => {
    const values = {} as Record<C, string>;
    for (const c of spec.columns) {
      const i = at.get(c) ?? -1;
      values[c] = i < 0 ? '' : (r.fields[i] ?? '').trim().slice(0, 500);
    }
    return { line: r.line, values };
  });
}
