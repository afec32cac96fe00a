import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { seedDemoCompatKey } from '../../../src/modules/compat-api/demo.js';
import { incident, seed } from './helpers.js';

const SCRIPT = path.resolve(import.meta.dirname, '../../../docs/examples/compat-api-client.mjs');

/** Runs the script to its end; resolves with its exit code and output. */
function run(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH ?? '', ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The documented example script, run against a real listening server with the demo's key, its base URL the only change. */
describe('compatible API: the example script of docs/compatible-api.md', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp();
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  it('finds, reads, notes, labels, closes an incident and reads the audit log', async () => {
    const [id] = await seed(t, [incident({ severity: 'High' })]);
    const s = await t.login(t.admin.email);
    await s.post('/api/v1/labels', { name: 'Region', values: ['AMER', 'EMEA'] });
    const actor = systemPrincipal(t.orgId, fullPermissions());
    await seedDemoCompatKey(t.ctx.compatApi.demoDeps, actor);
    // The demo replaces its key on every run: the first one stops working.
    const first = (await t.ctx.apiKeys.list(t.orgId)).find((k) => k.name === 'Compatible API demo')!;
    const [line] = await seedDemoCompatKey(t.ctx.compatApi.demoDeps, actor);
    expect((await t.ctx.apiKeys.list(t.orgId)).some((k) => k.id === first.id)).toBe(false);
    const keyId = /ZWA_API_KEY_ID=(\S+)/.exec(line)![1];
    const secret = /ZWA_API_SECRET=(\S+)/.exec(line)![1];

    const { code, out } = await run({ ZWA_BASE_URL: url, ZWA_API_KEY_ID: keyId, ZWA_API_SECRET: secret });
    expect(code, out).toBe(0);
    expect(out).toContain('search: 1 High incident(s) this week');
    expect(out).toContain(`incident ${id}: HIGH NEW`);
    expect(out).toContain('labels: Region=EMEA');
    expect(out).toContain('closed: RESOLVED FALSE_POSITIVE');
    const detail = (await s.get(`/api/v1/incidents/${id}`)).json();
    expect(detail.status).toBe('Resolved');
    expect(detail.notes).toBe('Reviewed by the triage script.');
  });
});
