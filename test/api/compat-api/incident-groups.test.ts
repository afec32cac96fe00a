import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import * as wire from '../../../src/modules/compat-api/schemas.js';
import { compatClient, conform, expectError, incident, seed, type Client } from './helpers.js';

/** Incident groups through the compatible API (reference §7.7, §8.1, §8.6), after Setup assigned them at ingestion. */
describe('compatible API: incident groups', () => {
  let t: TestApp;
  let c: Client;
  let finance: { id: number };
  let pci: { id: number };
  let ids: number[];
  beforeAll(async () => {
    t = await createTestApp();
    c = await compatClient(t);
    const s = await t.login(t.admin.email);
    finance = (await s.post('/api/v1/incident-groups', { type: 'Department', name: 'Finance', description: 'Money matters' })).json();
    pci = (await s.post('/api/v1/incident-groups', { type: 'Data Class', name: 'PCI' })).json();
    await s.post('/api/v1/incident-group-mappings', {
      groupIds: [finance.id],
      condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Finance' },
    });
    await s.post('/api/v1/incident-group-mappings', {
      groupIds: [pci.id],
      condition: { type: 'predicate', property: 'severity', operation: 'EQUALS', value: 'Critical' },
    });
    ids = await seed(t, [
      incident({ severity: 'Critical' }),
      incident({ severity: 'High' }),
      incident({ severity: 'Low', user: { name: 'Sam', email: 'sam@corp.example', department: 'Sales' } }),
    ]);
  });
  afterAll(async () => t?.close());

  it('POST /dlp/v1/incidents/{id}/incident-groups/search answers the incident groups in the reference shape, only the asked ids when given', async () => {
    const all = conform(wire.incidentGroupList, await c.call('POST', `/dlp/v1/incidents/${ids[0]}/incident-groups/search`, { incidentGroupIds: [] }));
    expect(all.incidentGroups).toEqual([
      {
        id: finance.id,
        name: 'Finance',
        description: 'Money matters',
        status: 'ACTIVE',
        incidentGroupType: 'Department',
        isDLPIncidentGroupAlreadyMapped: true,
        isDLPAdminConfigAlreadyMapped: false,
      },
      expect.objectContaining({ id: pci.id, name: 'PCI', description: '', incidentGroupType: 'Data Class' }),
    ]);
    for (const body of [{ incidentGroupIds: [pci.id] }, { incidentGroupIds: [String(pci.id)] }]) {
      const only = conform(wire.incidentGroupList, await c.call('POST', `/dlp/v1/incidents/${ids[0]}/incident-groups/search`, body));
      expect(only.incidentGroups.map((g) => g.id)).toEqual([pci.id]);
    }
    expect(conform(wire.incidentGroupList, await c.call('POST', `/dlp/v1/incidents/${ids[2]}/incident-groups/search`, undefined)).incidentGroups).toEqual([]);
    expectError(await c.call('POST', `/dlp/v1/incidents/999999/incident-groups/search`, { incidentGroupIds: [] }), 404);
  });

  it('the Incident carries incidentGroupIds and incidentGroups {id, name, description}', async () => {
    const inc = conform(wire.incident, await c.call('GET', `/dlp/v1/incidents/${ids[1]}`));
    expect(inc.incidentGroupIds).toEqual([finance.id]);
    expect(inc.incidentGroups).toEqual([{ id: finance.id, name: 'Finance', description: 'Money matters' }]);
  });

  it('search filters by incident group: ids, numeric strings or names; an unknown name is a 400', async () => {
    const total = async (value: unknown[], name = 'incidentGroupIds') =>
      conform(wire.incidentList, await c.call('POST', '/dlp/v1/incidents/search', { fields: [{ name, value }] })).cursor.totalElements;
    expect(await total([String(finance.id)])).toBe(2);
    expect(await total([` ${pci.id}`])).toBe(1);
    expect(await total(['pci', 'Finance'], 'Incident Group')).toBe(2);
    expect(await total(['16786743992009003'])).toBe(0);
    expectError(await c.call('POST', '/dlp/v1/incidents/search', { fields: [{ name: 'incidentGroup', value: ['Nope'] }] }), 400);
  });
});
