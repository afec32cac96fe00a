import { serializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { userPage } from '../../../src/modules/integration-users/schemas.js';
import { fastSerializerCompiler } from '../../../src/platform/http/fast-serializer.js';

const user = (i: number, over: Record<string, unknown> = {}) => ({
  id: i,
  name: `Pérson "${i}" \\ \u2028 \ud83d\ude00 <tag>`,
  email: `p${i}@example.com`,
  username: `p${i}`,
  externalId: `ext-${i}`,
  integrationId: 3,
  integration: 'Acme\nServiceNow',
  integrationType: 'servicenow',
  integrationTypeLabel: 'ServiceNow',
  activeInSystem: i % 2 === 0,
  status: 'active',
  assignable: true,
  lastVerifiedAt: i % 2 ? null : '2026-01-01T00:00:00.000Z',
  lastVerifyError: i % 3 ? null : 'lone \ud800 surrogate',
  createdBy: 'admin@example.com',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  ...over,
});

describe('fastSerializerCompiler', () => {
  it('writes exactly what the zod serializer writes: as built by the handler, or with undeclared, missing or reordered keys', () => {
    const route = { schema: userPage, method: 'GET', url: '/x', httpStatus: '200' } as never;
    const zod = serializerCompiler(route);
    const fast = fastSerializerCompiler(route);
    for (const data of [
      { items: [], total: 0, page: 1, pageSize: 25 },
      { items: [user(1), user(2), user(3)], total: 3, page: 1, pageSize: 50 },
      { items: [user(1), user(2), user(3, { org_id: 9, total: 4 })], total: 3, page: 1, pageSize: 50, extra: true },
      { pageSize: 50, page: 1, total: 1, items: [{ ...user(5), id: 5 }] },
      { items: [Object.fromEntries(Object.entries(user(6)).reverse())], total: 1, page: 1, pageSize: 50 },
    ]) {
      expect(fast(data)).toBe(zod(data));
    }
    // Not the schema's data: refused like the zod serializer does, not written.
    for (const bad of [{ items: [user(1, { name: undefined })], total: 1, page: 1, pageSize: 50 }, { items: [{ ...user(1), lastVerifiedAt: new Date() }], total: 1, page: 1, pageSize: 50 }]) {
      expect(() => zod(bad)).toThrow();
      expect(() => fast(bad)).toThrow();
    }
  });
});
