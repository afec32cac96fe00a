import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsTokenMatches } from '../../../src/platform/metrics.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { newIncident, runJobs, withTicketing, type Sandbox, type World } from '../tickets/helpers.js';

const TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one series in Prometheus text, or 0 when the series is not there (yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    const have = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('/metrics switched off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('answers 404 when WFA_METRICS_TOKEN is not set', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('wfa_http_request_duration_seconds');
  });
});

describe('/metrics with a token', () => {
  let t: TestApp;
  let sb: Sandbox;
  let w: World;
  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    return res.body;
  };
  withTicketing((a) => ({ t, sb, w } = a), { WFA_METRICS_TOKEN: TOKEN });

  it('refuses a scrape without the token or with a wrong one (401), without the metrics', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(res.body).not.toContain('wfa_');
    }
  });

  it('counts HTTP requests by route pattern, method and status class (never the raw URL)', async () => {
    const before = await scrape();
    const labels = { method: 'GET', route: '/api/v1/incidents/:id', status_class: '2xx' };
    const inc = await newIncident(t);
    expect((await w.admin.get(`/api/v1/incidents/${inc.id}`)).statusCode).toBe(200);
    expect((await w.admin.get(`/api/v1/incidents/${inc.id}`)).statusCode).toBe(200);
    expect((await w.admin.get('/api/v1/incidents/999999')).statusCode).toBe(404);
    const after = await scrape();
    expect(sample(after, 'wfa_http_request_duration_seconds_count', labels) - sample(before, 'wfa_http_request_duration_seconds_count', labels)).toBe(2);
    expect(sample(after, 'wfa_http_request_duration_seconds_count', { ...labels, status_class: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(after).not.toContain(`/api/v1/incidents/${inc.id}"`);
  });

  it('shows the job queue by kind and status, ticket outcomes per integration and connector calls as tickets are created', async () => {
    const before = await scrape();
    const inc = await newIncident(t);
    const res = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.sn.id, integrationUserId: w.snUser.id });
    expect(res.statusCode).toBe(202);

    const queued = await scrape();
    expect(sample(queued, 'wfa_job_queue_depth', { kind: 'tickets.create', status: 'queued' })).toBe(1);
    expect(sample(queued, 'wfa_job_queue_oldest_age_seconds', { kind: 'tickets.create', status: 'queued' })).toBeGreaterThanOrEqual(0);
    expect(queued).toMatch(/wfa_job_queue_oldest_age_seconds\{kind="tickets.create",status="queued"\}/);

    await runJobs(t);
    const after = await scrape();
    expect(sample(after, 'wfa_job_queue_depth', { kind: 'tickets.create', status: 'queued' })).toBe(0);
    const created = { integration: String(w.sn.id), system: 'servicenow', outcome: 'created' };
    expect(sample(after, 'wfa_ticket_outcomes_total', created) - sample(before, 'wfa_ticket_outcomes_total', created)).toBe(1);
    const ok = { system: 'servicenow', outcome: 'ok', status: '2xx' };
    expect(sample(after, 'wfa_connector_calls_total', ok)).toBeGreaterThan(sample(before, 'wfa_connector_calls_total', ok));
  });

  it('counts connector failures by kind and status', async () => {
    const before = await scrape();
    const failed = { system: 'servicenow', outcome: 'unavailable', status: '503' };
    sb.state.setFaults('servicenow', { errorBurst: 50 });
    try {
      const res = await w.admin.post(`/api/v1/integrations/${w.sn.id}/verify`);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
    } finally {
      sb.state.clearFaults('servicenow');
    }
    const after = await scrape();
    expect(sample(after, 'wfa_connector_calls_total', failed)).toBeGreaterThan(sample(before, 'wfa_connector_calls_total', failed));
  });
});

describe('metricsTokenMatches', () => {
  it('accepts only the exact bearer token', () => {
    expect(metricsTokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(metricsTokenMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(metricsTokenMatches(undefined, TOKEN)).toBe(false);
    expect(metricsTokenMatches('Bearer', TOKEN)).toBe(false);
    expect(metricsTokenMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(metricsTokenMatches(TOKEN, TOKEN)).toBe(false);
  });
});
