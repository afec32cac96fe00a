import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('logs in and reads the session', async () => {
    const s = await t.login(t.admin.email);
    const res = await s.get('/api/v1/auth/session');
    expect(res.statusCode).toBe(200);
    expect(res.json().admin.email).toBe(t.admin.email);
    expect(res.json().permissions.Integrations).toBe('edit');
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toContain('/api/v1/roles');
  });
});
