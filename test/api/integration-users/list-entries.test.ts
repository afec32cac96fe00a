import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { userPage, userView } from '../../../src/modules/integration-users/schemas.js';
import { connectBoth, drainJobs, type Sandbox } from './helpers.js';
import { withSandboxApp } from '../integrations/helpers.js';

/**
 * The list reads each user's entry as JSON kept by database triggers (migration 0320) instead of
 * building it from the row's values. These tests hold every listed entry equal to the view the
 * service builds for the same user (GET /integration-users/:id), after every kind of change, with
 * names that need JSON escaping, on whichever database the run uses.
 */
let t: TestApp;
let sb: Sandbox;
let s: Session;
let sn: { id: number; name: string };
let jira: { id: number; name: string };

const TRICKY = [`O'Brien "Quoted" \\ Backslash`, 'Zoë Ångström 🚀 名前', 'Line\nBreak\tTab\u0001Control', '</script><b>html</b>', ' Leading and trailing '];

withSandboxApp((a) => ({ t, sb, admin: s } = a));
beforeAll(async () => {
  ({ sn, jira } = await connectBoth(s, sb, { sn: `Tenant "One" \\ O'Neil`, jira: 'Jira 🚀' }));
  TRICKY.forEach((name, i) => {
    sb.state.servicenow.users.push({
      sys_id: `${i}`.padStart(32, 'e'),
      name,
      user_name: `tricky.${i}`,
      email: `tricky.${i}@example.com`,
      active: 'true',
      canWrite: false,
    });
    sb.state.jira.accounts.push({
      accountId: `tricky-${i}`,
      accountType: 'atlassian',
      active: true,
      displayName: name,
      email: `tricky.${i}@example.com`,
      emailVisible: true,
      canCreate: false,
      canBrowseUsers: false,
    });
  });
});

async function add(integrationId: number, email: string): Promise<{ id: number }> {
  const res = await s.post('/api/v1/integration-users', { integrationId, email });
  if (res.statusCode !== 201) throw new Error(`add ${email}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Every listed entry, page by page, equals GET /:id of the same user, and the page matches the schema exactly. */
async function expectListEqualsViews(query = ''): Promise<number> {
  let seen = 0;
  for (let page = 1; ; page++) {
    const res = await s.get(`/api/v1/integration-users?pageSize=3&page=${page}${query}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json();
    expect(userPage.strict().parse(body)).toEqual(body);
    for (const item of body.items) {
      expect(userView.strict().parse(item)).toEqual(item);
      const one = await s.get(`/api/v1/integration-users/${item.id}`);
      expect(item).toStrictEqual(one.json());
    }
    seen += body.items.length;
    if (page * 3 >= body.total) return seen;
  }
}

describe('list entries kept by the database', () => {
  it('equal the view after adds, verify, remove and re-add, import, renames and direct SQL changes', async () => {
    const added = [];
    for (let i = 0; i < TRICKY.length; i++) added.push(await add(i % 2 ? jira.id : sn.id, `tricky.${i}@example.com`));
    expect(await expectListEqualsViews()).toBe(TRICKY.length);
    const first = (await s.get(`/api/v1/integration-users/${added[0].id}`)).json();
    expect(first).toMatchObject({ name: TRICKY[0], integration: sn.name, assignable: true, activeInSystem: true, lastVerifyError: null });

    // Verify: a new name, then inactive in the system (status, activeInSystem and assignable change).
    const snUser = sb.state.servicenow.users.find((u) => u.user_name === 'tricky.0')!;
    snUser.name = 'Renamed "Again" \\ 🚀';
    snUser.active = 'false';
    expect((await s.post(`/api/v1/integration-users/${added[0].id}/verify`, {})).statusCode).toBe(200);
    // A failed verify writes the error text.
    sb.state.setFaults('servicenow', { errorBurst: 100 });
    try {
      expect((await s.post(`/api/v1/integration-users/${added[2].id}/verify`, {})).json().result).toBe('error');
    } finally {
      sb.state.clearFaults();
    }
    expect(await expectListEqualsViews()).toBe(TRICKY.length);
    const inactive = (await s.get(`/api/v1/integration-users/${added[0].id}`)).json();
    expect(inactive).toMatchObject({ name: 'Renamed "Again" \\ 🚀', status: 'inactive', activeInSystem: false, assignable: false });
    expect((await s.get(`/api/v1/integration-users/${added[2].id}`)).json().lastVerifyError).toMatch(/Could not verify/);

    // Remove, then add again (the row is revived).
    expect((await s.delete(`/api/v1/integration-users/${added[1].id}`)).statusCode).toBe(204);
    expect(await expectListEqualsViews()).toBe(TRICKY.length - 1);
    await add(jira.id, 'tricky.1@example.com');
    expect(await expectListEqualsViews()).toBe(TRICKY.length);

    // Import (a background job writes the rows).
    const imp = await s.post('/api/v1/integration-users/imports', { csv: `email,integration\nabel.tuter@example.com,"${sn.name.replaceAll('"', '""')}"\n` });
    expect(imp.statusCode, imp.body).toBe(202);
    await drainJobs(t);
    expect(await expectListEqualsViews()).toBe(TRICKY.length + 1);

    // The integration's name is added at read time: a rename shows at once.
    expect((await s.patch(`/api/v1/integrations/${jira.id}`, { name: 'Jira <Renamed>' })).statusCode).toBe(200);
    const renamed = (await s.get(`/api/v1/integration-users?integrationId=${jira.id}`)).json();
    expect(renamed.items.map((u: { integration: string }) => u.integration)).toEqual(renamed.items.map(() => 'Jira <Renamed>'));
    expect(await expectListEqualsViews('&sort=integrationType&order=desc')).toBe(TRICKY.length + 1);

    // A write that bypasses the application still keeps the entry right: the triggers do it.
    await t.ctx.db
      .updateTable('integration_users')
      .set({ name: 'Set "by" SQL', status: 'unverified', last_verified_at: null })
      .where('id', '=', added[3].id)
      .execute();
    await sql`update integration_users set active_in_system = 0 where id = ${added[4].id}`.execute(t.ctx.db);
    expect(await expectListEqualsViews('&search=sql')).toBe(1);
    expect(await expectListEqualsViews()).toBe(TRICKY.length + 1);
    expect((await s.get(`/api/v1/integration-users/${added[4].id}`)).json()).toMatchObject({ activeInSystem: false });
  });
});

describe('keyset pages', () => {
  type Page = { items: { id: number }[]; total: number; page: number; nextCursor: string | null; prevCursor: string | null };
  const get = async (query: string): Promise<Page> => {
    const res = await s.get(`/api/v1/integration-users?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return userPage.parse(res.json()) as Page;
  };

  it('walk every sort both ways and match the numbered pages, ties and never-verified users included', async () => {
    const all = await get('pageSize=100');
    expect(all.total).toBeGreaterThanOrEqual(6);
    expect(all.prevCursor).toBeNull();
    expect(all.nextCursor).toBeNull();
    for (const sort of ['name', 'email', 'status', 'createdAt', 'lastVerifiedAt']) {
      for (const order of ['asc', 'desc']) {
        const base = `pageSize=2&sort=${sort}&order=${order}`;
        const pages = Math.ceil(all.total / 2);
        const byNumber: number[][] = [];
        for (let p = 1; p <= pages; p++) byNumber.push((await get(`${base}&page=${p}`)).items.map((u) => u.id));
        // Forwards with nextCursor from page 1, then backwards with prevCursor from the last page.
        let page = await get(`${base}&page=1`);
        const forwards = [page.items.map((u) => u.id)];
        for (let p = 2; page.nextCursor; p++) {
          page = await get(`${base}&page=${p}&cursor=${page.nextCursor}`);
          expect(page.page).toBe(p);
          forwards.push(page.items.map((u) => u.id));
        }
        expect({ sort, order, pages: forwards }).toEqual({ sort, order, pages: byNumber });
        const backwards = [page.items.map((u) => u.id)];
        for (let p = pages - 1; page.prevCursor; p--) {
          page = await get(`${base}&page=${p}&cursor=${page.prevCursor}`);
          backwards.unshift(page.items.map((u) => u.id));
        }
        expect({ sort, order, pages: backwards }).toEqual({ sort, order, pages: byNumber });
        expect(page.total).toBe(all.total);
      }
    }
  });

  it('numbered pages (read by id first, then joined) are slices of the whole list for every sort, filter and search', async () => {
    const filters = ['', `&integrationId=${sn.id}`, '&type=jira_cloud', '&status=active', '&search=TRICKY', '&search=nobody-matches'];
    for (const filter of filters) {
      for (const sort of ['name', 'email', 'status', 'createdAt', 'lastVerifiedAt', 'integration', 'integrationType']) {
        for (const order of ['asc', 'desc']) {
          const base = `sort=${sort}&order=${order}${filter}`;
          const all = await get(`pageSize=100&${base}`);
          const numbered: number[] = [];
          for (let p = 1; p <= Math.ceil(all.total / 2) + 1; p++) {
            const page = await get(`pageSize=2&page=${p}&${base}`);
            expect(page.total).toBe(all.total);
            numbered.push(...page.items.map((u) => u.id));
          }
          expect({ base, ids: numbered }).toEqual({ base, ids: all.items.map((u) => u.id) });
        }
      }
    }
  });

  it('are refused from another sort or when altered, and not offered for sorts by integration or type', async () => {
    const first = await get('pageSize=2&sort=name');
    expect(first.nextCursor).toBeTruthy();
    for (const bad of [
      `sort=email&cursor=${first.nextCursor}`,
      `sort=name&order=desc&cursor=${first.nextCursor}`,
      'cursor=bm90LWpzb24',
      'cursor=%5B%5D',
      `sort=integration&cursor=${first.nextCursor}`,
    ]) {
      const res = await s.get(`/api/v1/integration-users?pageSize=2&${bad}`);
      expect({ bad, status: res.statusCode }).toEqual({ bad, status: 400 });
      expect(res.json().error.message).toMatch(/cursor: this page link is not valid/);
    }
    const byType = await get('pageSize=2&sort=integrationType&page=2');
    expect(byType).toMatchObject({ nextCursor: null, prevCursor: null });
  });
});
