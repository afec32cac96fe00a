import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay, parseRateLimitReset, parseRetryAfter } from '../../../src/connectors/backoff.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { failure, jira, outcomes, recordingSleep, serviceNow } from './fixture.js';

describe('Retry-After and backoff parsing', () => {
  const now = Date.parse('2026-11-27T10:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
  it('reads X-RateLimit-Reset as UNIX seconds (ServiceNow) or ISO 8601 (Jira)', () => {
    expect(parseRateLimitReset(String(now / 1000 + 7), now)).toBe(7000);
    expect(parseRateLimitReset('2026-11-27T10:00:02Z', now)).toBe(2000);
  });
  it('uses full jitter under an exponential ceiling', () => {
    expect(backoffDelay(0, () => 0.999)).toBeLessThan(500);
    expect(backoffDelay(3, () => 0.999)).toBeLessThan(4000);
    expect(backoffDelay(3, () => 0.999)).toBeGreaterThan(3900);
    expect(backoffDelay(20, () => 0.999)).toBeLessThan(30_000);
    expect(backoffDelay(5, () => 0)).toBe(0);
  });
});

describe('outbound HTTP against the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.state.reset());

  it('waits at least Retry-After (seconds) before repeating a 429, then succeeds', async () => {
    sandbox.state.setFaults('jira', { rateLimitBurst: 2, retryAfterSeconds: 7 });
    const rec = recordingSleep(sandbox);
    const calls = outcomes();
    const result = await jira(sandbox, { sleep: rec.sleep, onCallResult: calls.onCallResult }).verify();
    expect(result.accountName).toBe('Workflow Automation Integration');
    const log = sandbox.state.requests('jira');
    expect(log.map((r) => r.response?.status)).toEqual([429, 429, 200]);
    expect(rec.waits.map((w) => w.ms).every((ms) => ms >= 7000)).toBe(true);
    // Each wait happened after the 429 it answers and before the next request was sent.
    expect(rec.waits.map((w) => w.requestsBefore)).toEqual([1, 2]);
    expect(calls.results).toEqual([{ ok: true, error: undefined }]);
  });

  it('understands Retry-After as an HTTP date', async () => {
    sandbox.state.setFaults('servicenow', { rateLimitBurst: 1, retryAfterSeconds: 30, retryAfterFormat: 'http-date' });
    const rec = recordingSleep(sandbox);
    await serviceNow(sandbox, { sleep: rec.sleep }).verify();
    expect(rec.waits).toHaveLength(1);
    // An HTTP date has one-second resolution, so allow for the second we are in.
    expect(rec.waits[0].ms).toBeGreaterThanOrEqual(28_000);
    expect(rec.waits[0].ms).toBeLessThanOrEqual(30_000);
  });

  it('gives up with rate_limited and retryAfterMs after maxRetries', async () => {
    sandbox.state.setFaults('servicenow', { rateLimitBurst: 10, retryAfterSeconds: 2 });
    const calls = outcomes();
    const err = await failure(serviceNow(sandbox, { maxRetries: 2, onCallResult: calls.onCallResult }).lookupUserByEmail('abel.tuter@example.com'));
    expect(err.kind).toBe('rate_limited');
    expect(err.opts.retryAfterMs).toBe(2000);
    expect(err.transient).toBe(true);
    expect(sandbox.state.requests('servicenow')).toHaveLength(3);
    expect(calls.results.map((r) => r.ok)).toEqual([false]);
    expect(calls.results[0].error?.kind).toBe('rate_limited');
  });

  it('does not sleep through a Retry-After longer than a minute; the job queue reschedules', async () => {
    sandbox.state.setFaults('jira', { rateLimitBurst: 5, retryAfterSeconds: 3600 });
    const rec = recordingSleep(sandbox);
    const err = await failure(jira(sandbox, { sleep: rec.sleep }).verify());
    expect(err.kind).toBe('rate_limited');
    expect(err.opts.retryAfterMs).toBe(3_600_000);
    expect(rec.waits).toHaveLength(0);
    expect(sandbox.state.requests('jira')).toHaveLength(1);
  });

  it('retries 503 on reads with backoff, and maps exhausted 5xx to unavailable', async () => {
    sandbox.state.setFaults('servicenow', { errorBurst: 1 });
    const rec = recordingSleep(sandbox);
    await expect(serviceNow(sandbox, { sleep: rec.sleep }).verify()).resolves.toBeTruthy();
    expect(rec.waits).toHaveLength(1);
    sandbox.state.setFaults('servicenow', { errorBurst: 9 });
    const err = await failure(serviceNow(sandbox, { maxRetries: 1 }).verify());
    expect(err.kind).toBe('unavailable');
    expect(err.opts.status).toBe(503);
    expect(err.message).toMatch(/ServiceNow is unavailable \(HTTP 503\)/);
  });

  it('does not repeat a create after a 503: the write may have happened, so the caller looks it up first', async () => {
    const user = await serviceNow(sandbox).lookupUserByEmail('abel.tuter@example.com');
    if (user.outcome !== 'found') throw new Error('seed changed');
    sandbox.state.log.length = 0;
    sandbox.state.setFaults('servicenow', { errorBurst: 1 });
    const err = await failure(
      serviceNow(sandbox).createTicket({ marker: 'wfa-503', summary: 's', description: 'd', assigneeExternalId: user.user.externalId }),
    );
    expect(err.kind).toBe('unavailable');
    expect(sandbox.state.requests('servicenow').filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('does repeat a create after a 429, which means it was not processed', async () => {
    const user = await serviceNow(sandbox).lookupUserByEmail('abel.tuter@example.com');
    if (user.outcome !== 'found') throw new Error('seed changed');
    sandbox.state.setFaults('servicenow', { rateLimitBurst: 1 });
    const t = await serviceNow(sandbox).createTicket({ marker: 'wfa-429', summary: 's', description: 'd', assigneeExternalId: user.user.externalId });
    expect(t.key).toMatch(/^INC\d{7}$/);
    expect(sandbox.state.servicenow.incidents).toHaveLength(1);
  });

  it('times out a hanging request, retries it, and reports unavailable with the timeout', async () => {
    sandbox.state.setFaults('jira', { hang: 10 });
    const rec = recordingSleep(sandbox);
    const err = await failure(jira(sandbox, { timeoutMs: 200, maxRetries: 2, sleep: rec.sleep }).verify());
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/did not answer within 0.2 s/);
    expect(sandbox.state.requests('jira').map((r) => r.fault)).toEqual(['hang', 'hang', 'hang']);
    expect(rec.waits).toHaveLength(2);
  });

  it('recovers from a dropped connection on a read', async () => {
    sandbox.state.setFaults('jira', { drop: 1 });
    await expect(jira(sandbox).verify()).resolves.toBeTruthy();
    expect(sandbox.state.requests('jira').map((r) => r.fault ?? r.response?.status)).toEqual(['drop', 200]);
  });

  it('reports a dropped connection as unavailable without leaking details', async () => {
    sandbox.state.setFaults('jira', { drop: 10 });
    const err = await failure(jira(sandbox, { maxRetries: 1 }).verify());
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/^Could not reach Jira Cloud at 127\.0\.0\.1:\d+ while signing in/);
  });

  it('maps a refused connection to unavailable', async () => {
    const closed = await startSandbox({ port: 0 });
    const url = closed.servicenowUrl;
    await closed.close();
    const { createConnector } = await import('../../../src/connectors/index.js');
    const c = createConnector(
      { type: 'servicenow', baseUrl: url, credentials: { authMethod: 'basic', username: 'a', password: 'secret-pw' } },
      { allowPrivateTargets: true, maxRetries: 0 },
    );
    const err = await failure(c.verify());
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/connection was refused/);
  });
});
