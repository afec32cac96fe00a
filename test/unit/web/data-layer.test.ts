/**
 * The web app's data layer: the one query-string encoder, the one fetch path (its AbortSignal),
 * and the query-key factories, checked against a real React Query cache so "this change
 * invalidates that list" means what the pages rely on.
 */
import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, get, request, toQueryString } from '../../../web/src/api/client';
import { adminKeys } from '../../../web/src/pages/admins/api';
import { incidentKeys } from '../../../web/src/pages/incidents/api';
import { integrationKeys } from '../../../web/src/pages/integrations/api';
import { integrationUsersKeys } from '../../../web/src/pages/integration-users/api';
import { roleKeys } from '../../../web/src/pages/roles/api';
import { ticketKeys } from '../../../web/src/pages/tickets/api';

describe('toQueryString', () => {
  it('is empty for nothing to send', () => {
    expect(toQueryString()).toBe('');
    expect(toQueryString({})).toBe('');
    expect(toQueryString({ a: undefined, b: null, c: '', d: [] })).toBe('');
  });

  it('encodes scalars, keeping 0 and false', () => {
    expect(toQueryString({ page: 2, search: 'a b&c', flag: false, n: 0 })).toBe('?page=2&search=a+b%26c&flag=false&n=0');
  });

  it('sends a list as a repeated parameter, so a value may contain commas', () => {
    const qs = toQueryString({ rule: ['PCI, strict', 'HIPAA'], status: ['New'] });
    expect(qs).toBe('?rule=PCI%2C+strict&rule=HIPAA&status=New');
    expect(new URLSearchParams(qs).getAll('rule')).toEqual(['PCI, strict', 'HIPAA']);
  });
});

describe('request (the one fetch path)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('hands the AbortSignal to fetch and builds the URL with the encoder', async () => {
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ items: [] }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const ctrl = new AbortController();
    await expect(get('/incidents', { status: ['New', 'Closed'] }, { signal: ctrl.signal })).resolves.toEqual({ items: [] });
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/incidents?status=New&status=Closed');
    expect(fetchMock.mock.calls[0][1].signal).toBe(ctrl.signal);
  });

  it('lets a cancelled request reject as an abort, not as a network failure', async () => {
    vi.stubGlobal('fetch', (_url: string, init: RequestInit) => Promise.reject(init.signal?.reason ?? new Error('aborted')));
    const ctrl = new AbortController();
    ctrl.abort();
    const err = await request('GET', '/labels', { signal: ctrl.signal }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ApiError);
    expect((err as Error).name).toBe('AbortError');
  });

  it('turns an error body into an ApiError with the server message and details', async () => {
    const body = { error: { code: 'validation', message: 'Name is required.', details: [{ field: 'name', message: 'Required' }] } };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body), { status: 400 }));
    const err = await request('POST', '/labels', { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'validation', message: 'Name is required.', details: body.error.details });
  });

  it('reports an unreachable server as a network ApiError', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    await expect(request('GET', '/labels')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('query-key factories', () => {
  /** Which of `keys` an invalidation of `prefix` marks stale, in a real React Query cache. */
  async function invalidated(prefix: QueryKey, keys: QueryKey[]): Promise<QueryKey[]> {
    const qc = new QueryClient();
    for (const k of keys) qc.setQueryData(k, 'data');
    await qc.invalidateQueries({ queryKey: prefix, refetchType: 'none' });
    return keys.filter((k) => qc.getQueryState(k)?.isInvalidated);
  }

  it('a list key holds its parameters: other filters are another cache entry', () => {
    const p = { search: 'ann', sort: 'name' as const, order: 'asc' as const, page: 1, pageSize: 25 };
    expect(integrationUsersKeys.list(p)).toEqual(['integration-users', 'list', p]);
    expect(integrationUsersKeys.list(p)).not.toEqual(integrationUsersKeys.list({ ...p, page: 2 }));
    expect(adminKeys.list({ ...p, sort: 'email' })).toEqual(['admins', 'list', { ...p, sort: 'email' }]);
  });

  it('an integration user change refreshes the lists, not the integrations filter or a running lookup', async () => {
    const list1 = integrationUsersKeys.list({ sort: 'name', order: 'asc', page: 1, pageSize: 25 });
    const list2 = integrationUsersKeys.list({ sort: 'email', order: 'desc', page: 3, pageSize: 50, status: 'active' });
    const others = [integrationUsersKeys.integrations, integrationUsersKeys.lookup('1', 'Ann@Example.com'), integrationUsersKeys.import(7)];
    expect(await invalidated(integrationUsersKeys.lists, [list1, list2, ...others])).toEqual([list1, list2]);
  });

  it('a lookup key ignores the case of the email', () => {
    expect(integrationUsersKeys.lookup('1', 'Ann@Example.com')).toEqual(integrationUsersKeys.lookup('1', 'ann@example.com'));
  });

  it("one incident's keys: every ordering of its neighbours, and nothing of another incident", async () => {
    const a1 = incidentKeys.detail(5, { sort: 'severity' });
    const a2 = incidentKeys.detail(5, { status: ['New'] });
    const b = incidentKeys.detail(50, {});
    expect(await invalidated(incidentKeys.details(5), [a1, a2, b, incidentKeys.list({})])).toEqual([a1, a2]);
    expect(await invalidated(incidentKeys.all, [a1, b, incidentKeys.filters, incidentKeys.duplicates(5, 1, 10)])).toHaveLength(4);
  });

  it("an integration account's data lives under the integrations prefix; the incident fields do not", async () => {
    const keys = [
      integrationKeys.list(false),
      integrationKeys.list(true),
      integrationKeys.detail(3),
      integrationKeys.projects(3),
      integrationKeys.mapping(3, 9, '10001'),
      integrationKeys.ticketSync(3),
    ];
    expect(await invalidated(integrationKeys.all, [...keys, integrationKeys.incidentFields])).toEqual(keys);
    expect(integrationKeys.list(true)).not.toEqual(integrationKeys.list(false));
  });

  it('tickets and roles: one prefix covers every view', async () => {
    const keys = [ticketKeys.list({ state: 'failed' }), ticketKeys.incident(4), ticketKeys.options(4), ticketKeys.preview(4, null)];
    expect(await invalidated(ticketKeys.all, keys)).toEqual(keys);
    expect(await invalidated(roleKeys.all, [roleKeys.all, adminKeys.all])).toEqual([roleKeys.all]);
  });
});
