/**
 * The Incidents page's Export against the real server: a complete download yields the file, and a
 * response the server aborts part-way (a page read failing after the header went out) yields the
 * "Export failed" notification saying the download broke off, never a truncated file.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IncidentsStore } from '../../../src/modules/incidents/store.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { downloadIncidentsCsv, ExportBrokenOffError, exportFailureNotice } from '../../../web/src/pages/incidents/exportDownload';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { incident } from '../../api/incidents/helpers.js';

const COUNT = 1100; // more than one export page (1000 rows)
const params = { from: new Date(Date.now() - 30 * 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };

describe('web export download', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const actor = systemPrincipal(t.orgId, fullPermissions());
    for (let i = 0; i < COUNT; i += 550)
      expect(
        (
          await t.ctx.incidents.ingestBatch(
            actor,
            Array.from({ length: 550 }, () => incident()),
          )
        ).created,
      ).toBe(550);
    const role = await t.ctx.roles.findByName(t.orgId, 'DLP Super Admin');
    const { key } = await t.ctx.apiKeys.create(actor, { name: 'web-export', roleId: role!.id });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const realFetch = globalThis.fetch;
    // The browser resolves the app's relative URLs against its origin and sends the session; here
    // the same request goes to the test server with an API key.
    vi.stubGlobal('fetch', (url: string, init: RequestInit) =>
      realFetch(base + url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` } }),
    );
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    vi.unstubAllGlobals();
    await t?.close();
  });

  it('returns the whole file when the body ends cleanly', async () => {
    const seen: number[] = [];
    const out = await downloadIncidentsCsv(params, new AbortController().signal, (n) => seen.push(n));
    expect(out.rows).toBe(COUNT);
    expect(out.name).toMatch(/^incidents-.*\.csv$/);
    expect((await out.blob.text()).split('\r\n').filter(Boolean)).toHaveLength(COUNT + 1);
    expect(seen[seen.length - 1]).toBe(COUNT);
  });

  it('reports a download the server aborted after the first page as a failed export, saving nothing', async () => {
    const page = IncidentsStore.prototype.page;
    let calls = 0;
    vi.spyOn(IncidentsStore.prototype, 'page').mockImplementation(async function (this: IncidentsStore, ...args) {
      calls += 1;
      if (calls === 2) throw new Error('database went away');
      return page.apply(this, args);
    });
    const ctrl = new AbortController();
    const err = await downloadIncidentsCsv(params, ctrl.signal, () => {}).catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect(err).toBeInstanceOf(ExportBrokenOffError);
    expect((err as ExportBrokenOffError).rows).toBeLessThan(COUNT);
    const notice = exportFailureNotice(err, ctrl.signal.aborted);
    expect(notice).toMatchObject({ color: 'red', title: 'Export failed' });
    expect(notice.message).toMatch(/broke off after [\d,]+ incidents.*not saved\. Export again/);
  });

  it('says "Export cancelled" when the user cancels', async () => {
    const ctrl = new AbortController();
    const pending = downloadIncidentsCsv(params, ctrl.signal, () => ctrl.abort());
    const err = await pending.catch((e: unknown) => e);
    expect(ctrl.signal.aborted).toBe(true);
    expect(exportFailureNotice(err, ctrl.signal.aborted)).toEqual({ color: 'gray', title: 'Export cancelled', message: 'No file was saved.' });
  });
});
