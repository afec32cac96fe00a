import { Writable } from 'node:stream';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { sandbox, type Sandbox } from '../integrations/helpers.js';
import { jiraDelivery, openTicket, serviceNowDelivery, syncedIntegration } from './sync-helpers.js';

/** The webhook secret, as a canary: after every use, it is in no log line, later answer, audit row or database column in clear. */
let t: TestApp;
let sb: Sandbox;
let app: FastifyInstance;
const logLines: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'trace' });
  sb = await sandbox();
  sb.state.onTicketChanged = null;
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  });
  // The production logger (with its redaction) at trace level, on the same context.
  app = await buildApp(t.ctx, { serveWeb: false, logStream: stream });
  t.ctx.log = app.log;
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  await sb?.close();
});

it('never lets a webhook secret out after the rotate answer', async () => {
  const s = await t.login(t.admin.email);
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...headers }, ...(payload ? { payload } : {}) });
  const later: string[] = [];
  const secrets: string[] = [];
  for (const kind of ['servicenow', 'jira_cloud'] as const) {
    const id = await syncedIntegration(s, sb, kind);
    const tk = await openTicket(t, t.orgId, id, kind);
    const rotated = await call('POST', `/api/v1/integrations/${id}/ticket-sync/rotate-secret`);
    const secret = rotated.json().secret as string;
    secrets.push(secret);
    later.push((await call('PUT', `/api/v1/integrations/${id}/ticket-sync`, { webhooksEnabled: true })).body);
    later.push((await call('GET', `/api/v1/integrations/${id}/ticket-sync`)).body);
    const d = kind === 'servicenow' ? serviceNowDelivery(secret, tk.externalId, '2') : jiraDelivery(secret, { id: tk.externalId, key: tk.key }, { id: '3', name: 'In Progress', category: 'indeterminate' });
    const system = kind === 'servicenow' ? 'servicenow' : 'jira';
    const ok = await app.inject({ method: 'POST', url: `/api/v1/webhooks/${system}/${id}`, payload: d.payload, headers: d.headers });
    expect(ok.statusCode, ok.body).toBe(200);
    later.push(ok.body);
    // A refused push echoes nothing of what it was sent.
    const wrong = await app.inject({ method: 'POST', url: `/api/v1/webhooks/${system}/${id}`, payload: d.payload, headers: { ...d.headers, 'x-wfa-webhook-secret': `${secret}-wrong` } });
    later.push(wrong.body);
  }
  const audit = await sql<Record<string, unknown>>`select * from audit_log`.execute(t.ctx.db);
  const settings = await sql<Record<string, unknown>>`select * from ticket_sync_settings`.execute(t.ctx.db);
  expect(logLines.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(logLines.join('\n')).not.toContain(secret);
    expect(later.join('\n')).not.toContain(secret);
    expect(JSON.stringify(audit.rows)).not.toContain(secret);
    expect(JSON.stringify(settings.rows)).not.toContain(secret);
  }
});
