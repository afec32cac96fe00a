import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/platform/tokens.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident } from '../incidents/helpers.js';
import { installPorts, tokenIn, type RecordingNotifications } from './helpers.js';

/** Issue #12 Done-when: survey links cannot be guessed, reused after answering, used after expiry or altered to reach another incident. */
describe('survey link security', () => {
  let t: TestApp;
  let s: Session;
  let key: Awaited<ReturnType<typeof apiKey>>;
  let notifications: RecordingNotifications;
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.login(t.admin.email);
    key = await apiKey(t);
    ({ notifications } = installPorts(t));
  });
  afterAll(async () => t?.close());

  const notify = async () => {
    const id = (await key.post('/api/v1/incidents', incident())).json().id as number;
    expect((await s.post(`/api/v1/incidents/${id}/notify-user`, {})).statusCode).toBe(201);
    return { id, token: tokenIn(notifications.sent.at(-1)!.content.text) };
  };
  const get = (token: string, ip = '10.1.1.1') => t.app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}`, remoteAddress: ip });
  const answer = (token: string, body: unknown, ip = '10.1.1.1') =>
    t.app.inject({ method: 'POST', url: `/api/v1/public/surveys/${token}/answer`, payload: body as object, remoteAddress: ip });

  it('cannot be guessed: 256 random bits, different every time, stored only as a SHA-256', async () => {
    const tokens = [];
    for (let i = 0; i < 5; i++) tokens.push((await notify()).token);
    expect(new Set(tokens).size).toBe(5);
    for (const tok of tokens) expect(Buffer.from(tok, 'base64url').length).toBe(32);
    const rows = await t.ctx.db.selectFrom('survey_links').select(['token_hash']).execute();
    const stored = JSON.stringify(rows);
    for (const tok of tokens) {
      expect(stored).not.toContain(tok);
      expect(rows.map((r) => r.token_hash)).toContain(sha256(tok));
    }
  });

  it('the stored hash is not a working link', async () => {
    const { id, token } = await notify();
    const hash = sha256(token);
    expect((await get(hash)).statusCode).toBe(404);
    expect((await answer(hash, { justificationType: 'False Positive' })).statusCode).toBe(404);
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('Validating with User');
  });

  it('cannot be altered to reach another incident: every one-character change is a 404 that shows nothing', async () => {
    const { id, token } = await notify();
    const other = await notify();
    for (const pos of [0, 10, 21, 42]) {
      const c = token[pos] === 'a' ? 'b' : 'a';
      const altered = token.slice(0, pos) + c + token.slice(pos + 1);
      const res = await get(altered, `10.2.0.${pos}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('survey_link_invalid');
      expect((await answer(altered, { justificationType: 'False Positive' }, `10.2.0.${pos}`)).statusCode).toBe(404);
    }
    for (const incidentId of [id, other.id]) expect((await s.get(`/api/v1/incidents/${incidentId}`)).json().status).toBe('Validating with User');
  });

  it('cannot be reused after answering, even by two answers at the same moment', async () => {
    const { id, token } = await notify();
    const results = await Promise.all([
      answer(token, { justificationType: 'False Positive' }, '10.3.0.1'),
      answer(token, { justificationType: 'Manager Approved' }, '10.3.0.2'),
      answer(token, { justificationType: 'Others', reason: 'third' }, '10.3.0.3'),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    const view = (await s.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.responses.filter((r: { question: string }) => r.question === 'Justification Type')).toHaveLength(1);
    const events = (await s.get(`/api/v1/incidents/${id}/events`)).json().items;
    expect(events.filter((e: { action: string }) => e.action === 'justification-response')).toHaveLength(1);
  });

  it('cannot be used after expiry', async () => {
    const { id, token } = await notify();
    await t.ctx.db
      .updateTable('survey_links')
      .set({ expires_at: new Date(Date.now() - 1).toISOString() })
      .where('token_hash', '=', sha256(token))
      .execute();
    expect((await get(token)).statusCode).toBe(410);
    expect((await answer(token, { justificationType: 'False Positive' })).statusCode).toBe(410);
    expect((await s.get(`/api/v1/incidents/${id}/remediation`)).json().responses).toEqual([]);
    expect((await s.get(`/api/v1/incidents/${id}/remediation`)).json().requests[0].state).toBe('expired');
  });

  it('bounds attempts per link and per address', async () => {
    const { token } = await notify();
    const codes: number[] = [];
    for (let i = 0; i < 22; i++) codes.push((await get(token, `10.4.${i}.1`)).statusCode);
    expect(codes.slice(0, 20).every((c) => c === 200)).toBe(true);
    expect(codes.slice(20)).toEqual([429, 429]);
    const guesses: number[] = [];
    for (let i = 0; i < 125; i++) guesses.push((await get(`${'g'.repeat(40)}${String(i).padStart(3, '0')}`, '10.5.0.1')).statusCode);
    expect(guesses.slice(0, 120).every((c) => c === 404)).toBe(true);
    expect(guesses.slice(120).every((c) => c === 429)).toBe(true);
  });
});
