import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { compatClient, incident, seed } from './helpers.js';

describe('compatible API: its own OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('GET /dlp/openapi.json lists every path of the catalogue, both path forms, and each path is served', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/dlp/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/v1/auth/api-key/token',
      '/dlp/v1/incidents/search',
      '/dlp/v1/incidents/transactions/{transactionId}',
      '/dlp/v1/incidents/{id}',
      '/dlp/v1/incidents/{id}/change-history',
      '/dlp/v1/incidents/{id}/tickets',
      '/dlp/v1/incidents/tickets/{id}',
      '/dlp/v1/incidents/{id}/incident-groups/search',
      '/dlp/v1/incidents/{id}/close',
      '/dlp/v1/incidents/{id}/notes',
      '/dlp/v1/incidents/notes/{id}',
      '/dlp/v1/incidents/{id}/labels',
      '/dlp/v1/incidents/{id}/triggers',
      '/dlp/v1/incidents/{id}/evidence',
      '/dlp/v1/customer/audit',
    ])
      expect(paths).toContain(p);
    // Every documented operation reaches a handler (no "no such route" 404).
    const c = await compatClient(t);
    const [id] = await seed(t, [incident()]);
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        const url = path.replace('{id}', String(id)).replace('{transactionId}', 'unknown-txn');
        const r = await c.call(method.toUpperCase(), url, method === 'post' ? {} : undefined);
        expect(r.json().message ?? '', `${method} ${path}`).not.toMatch(/No compatible API route/);
      }
    }
    // The compatible paths stay out of the main API document.
    const main = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(main.paths).some((p) => p.startsWith('/dlp') || p.startsWith('/v1/'))).toBe(false);
  });
});
