import type { LightMyRequestResponse } from 'fastify';
import type { z } from 'zod';
import { expect } from 'vitest';
import type { Permissions } from '../../../src/platform/permissions.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { randomToken } from '../../../src/platform/tokens.js';
import type { TestApp } from '../../helpers/test-app.js';
import { incident } from '../incidents/helpers.js';

export { incident };

/** A vendor-style client: key id + secret → token, then JSON calls with `Authorization: Bearer`. */
export type Client = {
  keyId: string;
  secret: string;
  apiKeyId: number;
  token: string;
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
};

/** An id/secret API key whose role has `perms` (default: everything), with a token already fetched. */
export async function compatClient(t: TestApp, perms: Partial<Permissions> = fullPermissions(), orgId = t.orgId): Promise<Client> {
  const actor = systemPrincipal(orgId, fullPermissions());
  const role = await t.ctx.roles.create(actor, { name: `compat-${randomToken(6)}`, permissions: perms });
  const key = await t.ctx.apiKeys.create(actor, { name: `compat-${randomToken(6)}`, roleId: role.id, kind: 'id_secret' });
  const res = await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token', payload: { key_id: key.keyId, key_secret: key.keySecret } });
  expect(res.statusCode, res.body).toBe(201);
  const token = res.json().token as string;
  return {
    keyId: key.keyId!,
    secret: key.keySecret,
    apiKeyId: key.id,
    token,
    call: (method, url, body, headers = {}) =>
      t.app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      }),
  };
}

/** Stores incidents (as the DLP engine would report them) and returns their ids. */
export async function seed(t: TestApp, items: ReturnType<typeof incident>[], orgId = t.orgId): Promise<number[]> {
  const res = await t.ctx.incidents.ingestBatch(systemPrincipal(orgId, fullPermissions()), items);
  expect(res.rejected).toBe(0);
  return res.results.map((r) => r.id!);
}

/** The answer parsed with the wire schema: every field the reference types must have exactly that type. */
export function conform<S extends z.ZodType>(schema: S, res: LightMyRequestResponse, status = 200): z.infer<S> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  const parsed = schema.safeParse(res.json());
  if (!parsed.success) throw new Error(`answer does not conform: ${JSON.stringify(parsed.error.issues.slice(0, 3))}\n${res.body.slice(0, 500)}`);
  return parsed.data;
}

/** A vendor error body with the given status. */
export function expectError(res: LightMyRequestResponse, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  const body = res.json();
  expect(typeof body.code).toBe('string');
  expect(body.code).toMatch(/^[A-Z0-9_]+$/);
  expect(typeof body.message).toBe('string');
  expect(body.internalMessage).toBe(body.message);
  if (code) expect(body.code).toBe(code);
  return body as { code: string; message: string; internalMessage: string };
}
