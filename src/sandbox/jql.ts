/**
 * The sliver of JQL the connectors send: `field = "value"` clauses joined by AND, with an optional
 * ORDER BY. Anything else is a 400, as Jira answers a query it cannot parse.
 */

export type JqlQuery = { clauses: { field: string; value: string }[]; orderBy?: { field: string; desc: boolean } };

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
    const m = part.trim().match(/^(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([\w.:-]+))$/);
    if (!m) return { ok: false, message: `Error in the JQL Query: cannot parse '${part.trim()}'.` };
    const field = m[1].toLowerCase();
    if (!FIELDS.has(field)) return { ok: false, message: `Field '${m[1]}' does not exist or you do not have permission to view it.` };
    clauses.push({ field, value: (m[2] ?? m[3]).replace(/\\(.)/g, '$1') });
  }
  return { ok: true, query: { clauses, orderBy } };
}
