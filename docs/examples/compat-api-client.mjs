#!/usr/bin/env node
// A script written the way the reference product's API clients work: fetch a token, then call
// /dlp/v1 with it. Pointing it at Workflow Automation only changes ZWA_BASE_URL.
//
//   ZWA_BASE_URL=http://localhost:8080 ZWA_API_KEY_ID=wfk_... ZWA_API_SECRET=wfs_... node docs/examples/compat-api-client.mjs
//
// It searches the last week's High incidents, reads the first one (details, change history,
// tickets), adds a note and a label (LABEL_KEY / LABEL_VALUE, default Region / EMEA), closes it,
// and lists the latest audit entries.

const base = (process.env.ZWA_BASE_URL ?? 'https://api.us1.zsworkflow.net').replace(/\/+$/, '');
const keyId = process.env.ZWA_API_KEY_ID;
const secret = process.env.ZWA_API_SECRET;
if (!keyId || !secret) {
  console.error('Set ZWA_API_KEY_ID and ZWA_API_SECRET (Setup > API Keys > Add, kind "Key id and secret").');
  process.exit(2);
}

async function token() {
  const res = await fetch(`${base}/v1/auth/api-key/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key_id: keyId, key_secret: secret }),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** One call; on a 429 waits Retry-After seconds (+1) and tries again, as the vendor clients do. */
async function call(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 429 && attempt < 3) {
      await new Promise((r) => setTimeout(r, (Number(res.headers.get('retry-after') ?? '5') + 1) * 1000));
      continue;
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
}

const now = new Date();
const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
const found = await call('POST', '/dlp/v1/incidents/search?page=0&pageSize=10', {
  fields: [{ name: 'severity', value: ['HIGH'] }],
  timeRange: { startTime: weekAgo.toISOString(), endTime: now.toISOString() },
});
console.log(`search: ${found.cursor.totalElements} High incident(s) this week`);
const open = (found.incidents ?? found.logs).find((i) => i.status !== 'RESOLVED');
if (!open) {
  console.log('no open High incident to work on');
  process.exit(0);
}
const id = open.internalId;
const incident = await call('GET', `/dlp/v1/incidents/${id}`);
console.log(`incident ${id}: ${incident.severity} ${incident.status} transaction ${incident.transactionId} user ${incident.userInfo.email}`);
const history = await call('GET', `/dlp/v1/incidents/${id}/change-history`);
console.log(`change history: ${history.changeHistory.length} change(s)`);
const tickets = await call('GET', `/dlp/v1/incidents/${id}/tickets`);
console.log(`tickets: ${tickets.tickets.map((t) => `${t.ticketType} ${t.ticketInfo.ticketId ?? '(being created)'}`).join(', ') || 'none'}`);
await call('POST', `/dlp/v1/incidents/${id}/notes`, { notes: 'Reviewed by the triage script.' });
const labelled = await call('POST', `/dlp/v1/incidents/${id}/labels`, {
  labels: [{ key: process.env.LABEL_KEY ?? 'Region', value: process.env.LABEL_VALUE ?? 'EMEA' }],
});
console.log(`labels: ${labelled.labels.map((l) => (l.value ? `${l.key}=${l.value}` : l.key)).join(', ')}`);
const closed = await call('POST', `/dlp/v1/incidents/${id}/close`, { resolutionCode: 'FALSE_POSITIVE', notes: 'Closed by the triage script.' });
console.log(`closed: ${closed.status} ${closed.resolution ?? ''}`.trim());
const audit = await call('POST', '/dlp/v1/customer/audit?page=0&pageSize=5', {});
console.log(`audit: ${audit.logs.map((l) => `${l.action.action} ${l.resource}`).join('; ')}`);
