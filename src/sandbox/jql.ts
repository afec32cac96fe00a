/**
 * The sliver of JQL the connectors send: `field = "value"` and `field in (a, b)` clauses joined by AND, with an optional
 * ORDER BY. Anything else is a 400, as Jira answers a query it cannot parse.
 */

/** `field = value` has one value; `field in (a, b)` several (any of them matches). */
export type JqlQuery = { clauses: { field: string; values: string[] }[]; orderBy?: { field: string; desc: boolean } };

const VALUE = /\s*(?:"((?:[^"\\]|\\.)*)"|([\w.:-]+))\s*/y;

/** The comma-separated values of an `in (…)` list, quoted or bare; null when one cannot be read. */
function listValues(text: string): string[] | null {
  const values: string[] = [];
  for (const part of text.split(',')) {
    VALUE.lastIndex = 0;
    const m = VALUE.exec(part);
    if (!m || VALUE.lastIndex !== part.length) return null;
    values.push((m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
  }
  return values;
}

const FIELDS = new Set(['project', 'labels', 'key', 'issuetype', 'status', 'assignee']);

export function parseJql(jql: string): { ok: true; query: JqlQuery } | { ok: false; message: string } {
  let rest = jql.trim();
  let orderBy: JqlQuery['orderBy'];
  const order = rest.match(/\s*\bORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?\s*$/i);
  if (order) {
    orderBy = { field: order[1].toLowerCase(), desc: order[2]?.toUpperCase() === 'DESC' };
    rest = rest.slice(0, order.index).trim();
  }
  if (!rest) return { ok: false, message: 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.' };
  const clauses: JqlQuery['clauses'] = [];
  for (const part of rest.split(/\s+AND\s+/i)) {
    const inList = part.trim().match(/^(\w+)\s+in\s*\(([^()]*)\)$/i);
    const m = inList ? null : part.trim().match(/^(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([\w.:-]+))$/);
    const values = inList ? listValues(inList[2]) : m ? [(m[2] ?? m[3]).replace(/\\(.)/g, '$1')] : null;
    const name = (inList ?? m)?.[1];
    if (!name || !values) return { ok: false, message: `Error in the JQL Query: cannot parse '${part.trim()}'.` };
    const field = name.toLowerCase();
    if (!FIELDS.has(field)) return { ok: false, message: `Field '${name}' does not exist or you do not have permission to view it.` };
    clauses.push({ field, values });
  }
  return { ok: true, query: { clauses, orderBy } };
}
