import type { IncidentInputRaw } from '../../../src/modules/incidents/schemas.js';
import type { TestApp } from '../../helpers/test-app.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { fullPermissions } from '../../../src/platform/permissions.js';

let seq = 0;

/** A valid Inline incident; override any field. */
export function incident(over: Partial<IncidentInputRaw> = {}): IncidentInputRaw {
  seq += 1;
  return {
    transactionId: `txn-${process.pid}-${Date.now().toString(36)}-${seq}`,
    incidentDate: new Date(Date.now() - 60_000).toISOString(),
    severity: 'High',
    sourceType: 'Inline',
    dlpType: 'Web',
    action: 'Block',
    rules: ['PCI Rule'],
    engines: ['PCI'],
    dictionaries: [{ name: 'Credit Cards', matchCount: 3 }],
    url: `https://upload${seq}.example.net/path`,
    user: { name: 'Jane Doe', email: 'jane@corp.example', department: 'Finance', clientIp: '10.0.0.5' },
    file: { name: `report-${seq}.xlsx`, type: 'xlsx', md5: 'aabbccddeeff00112233445566778899', size: 1024 },
    ...over,
  };
}

/** An API key with the given role (default: DLP Super Admin) in the test org; returns an inject helper. */
export async function apiKey(t: TestApp, roleName = 'DLP Super Admin', orgId = t.orgId) {
  const actor = systemPrincipal(orgId, fullPermissions());
  const role = await t.ctx.roles.findByName(orgId, roleName);
  const created = await t.ctx.apiKeys.create(actor, { name: `key-${seq++}-${Math.random()}`, roleId: role!.id });
  return {
    post: (url: string, payload: unknown) =>
      t.app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${created.key}` } }),
    get: (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${created.key}` } }),
  };
}

export const WIDE = `from=${encodeURIComponent(new Date(Date.now() - 30 * 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`;
