import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { tokenResponse } from '../../../src/modules/compat-api/schemas.js';
import { compatClient, conform, expectError, incident, seed } from './helpers.js';

describe('compatible API: id/secret keys and tokens', () => {
  let t: TestApp;
  let id: number;
  beforeAll(async () => {
    t = await createTestApp();
    [id] = await seed(t, [incident()]);
  });
  afterAll(async () => t?.close());

  it('answers the token exactly as the reference: 201, token, token_type Bearer, integer expires_in', async () => {
    const s = await t.login(t.admin.email);
    const roles = (await s.get('/api/v1/roles')).json();
    const roleId = (roles.items ?? roles).find((r: { name: string }) => r.name === 'DLP Incident Manager').id;
    const created = await s.post('/api/v1/api-keys', { name: 'SOAR script', roleId, kind: 'id_secret' });
    expect(created.statusCode, created.body).toBe(201);
    const key = created.json();
    expect(key.kind).toBe('id_secret');
    expect(key.keyId).toMatch(/^wfk_/);
    expect(key.keySecret).toMatch(/^wfs_/);
    expect(key.key).toBeUndefined();
    // The list shows the id, never the secret.
    const listed = (await s.get('/api/v1/api-keys')).json().items.find((k: { id: number }) => k.id === key.id);
    expect(listed.keyId).toBe(key.keyId);
    expect(JSON.stringify(listed)).not.toContain(key.keySecret);

    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token', payload: { key_id: key.keyId, key_secret: key.keySecret } });
    const body = conform(tokenResponse, res, 201);
    expect(body.expires_in).toBe(43200);
    expect(Number.isInteger(res.json().expires_in)).toBe(true);
    // Stored only hashed: neither the token nor the secret appears in the database.
    const tokens = await t.ctx.db.selectFrom('compat_tokens').selectAll().execute();
    expect(JSON.stringify(tokens)).not.toContain(body.token);
    const keys = await t.ctx.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(keys)).not.toContain(key.keySecret);
    // Nor in the audit log.
    const audit = await t.ctx.db.selectFrom('audit_log').select(['after_json']).execute();
    expect(JSON.stringify(audit)).not.toContain(key.keySecret);

    const got = await t.app.inject({ method: 'GET', url: `/dlp/v1/incidents/${id}`, headers: { authorization: `Bearer ${body.token}` } });
    expect(got.statusCode).toBe(200);
  });

  it('refuses a wrong secret, an unknown key id, a missing field and a Bearer key with 401/400 in the vendor error shape', async () => {
    const c = await compatClient(t);
    expectError(await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token', payload: { key_id: c.keyId, key_secret: 'wfs_wrong' } }), 401);
    expectError(await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token', payload: { key_id: 'wfk_nope', key_secret: c.secret } }), 401);
    expectError(await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token', payload: { key_id: c.keyId } }), 400);
    expectError(await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token' }), 400);
    expectError(
      await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token', headers: { 'content-type': 'application/json' }, payload: '{"key_id":' }),
      400,
      'MALFORMED_JSON',
    );
    // The secret is not itself a Bearer key of the main API.
    const main = await t.app.inject({ method: 'GET', url: '/api/v1/labels', headers: { authorization: `Bearer ${c.secret}` } });
    expect(main.statusCode).toBe(401);
    // Nor is a compatible token.
    const main2 = await t.app.inject({ method: 'GET', url: '/api/v1/labels', headers: { authorization: `Bearer ${c.token}` } });
    expect(main2.statusCode).toBe(401);
  });

  it('401 without a token, with an unknown one, and at once after the key is revoked', async () => {
    expectError(await t.app.inject({ method: 'GET', url: `/dlp/v1/incidents/${id}` }), 401);
    expectError(await t.app.inject({ method: 'GET', url: `/dlp/v1/incidents/${id}`, headers: { authorization: 'Bearer wft_unknown' } }), 401);
    const c = await compatClient(t);
    expect((await c.call('GET', `/dlp/v1/incidents/${id}`)).statusCode).toBe(200);
    const s = await t.login(t.admin.email);
    expect((await s.delete(`/api/v1/api-keys/${c.apiKeyId}`)).statusCode).toBe(204);
    expectError(await c.call('GET', `/dlp/v1/incidents/${id}`), 401);
    expectError(await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token', payload: { key_id: c.keyId, key_secret: c.secret } }), 401);
  });

  it('401 for an expired token', async () => {
    const c = await compatClient(t);
    await t.ctx.db
      .updateTable('compat_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('api_key_id', '=', c.apiKeyId)
      .execute();
    expectError(await c.call('GET', `/dlp/v1/incidents/${id}`), 401);
  });

  it('does not throttle the token endpoint: a client that fetches a token before every call keeps working', async () => {
    const c = await compatClient(t);
    for (let n = 0; n < 60; n++) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token', payload: { key_id: c.keyId, key_secret: c.secret } });
      expect(res.statusCode).toBe(201);
    }
  });
});
