import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';

export type { Sandbox };

export async function sandbox(): Promise<Sandbox> {
  return startSandbox({ port: 0, host: '127.0.0.1' });
}

/** Retries (and the backoff between them) still happen, without real waiting. */
export function noWait(t: TestApp): void {
  t.ctx.integrations.connectorOverrides = { sleep: async () => {} };
}

export type SandboxApp = { t: TestApp; sb: Sandbox; admin: Session };

/**
 * Registers the beforeAll and afterAll of a file (or describe block) whose tests share a sandbox
 * and a test app (with `overrides` of its config) that retries without waiting: `use` gets them
 * before the tests, and whatever was opened is closed after them, also when the setup failed
 * halfway.
 */
export function withSandbox(use: (app: Omit<SandboxApp, 'admin'>) => unknown, overrides: Record<string, string> = {}): void {
  let sb: Sandbox | undefined;
  let t: TestApp | undefined;
  beforeAll(async () => {
    sb = await sandbox();
    t = await createTestApp(overrides);
    noWait(t);
    await use({ t, sb });
  });
  afterAll(async () => {
    await t?.close();
    await sb?.close();
  });
}

/** withSandbox, with the app's admin signed in. */
export function withSandboxApp(use: (app: SandboxApp) => unknown, overrides: Record<string, string> = {}): void {
  withSandbox(async ({ t, sb }) => use({ t, sb, admin: await t.login(t.admin.email) }), overrides);
}

let n = 0;
export const uniqueName = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 6)}`;

export function serviceNowBody(sb: Sandbox, over: Record<string, unknown> = {}) {
  return {
    type: 'servicenow',
    name: uniqueName('snow'),
    baseUrl: sb.servicenowUrl,
    adminEmail: 'admin@example.com',
    credentials: { authMethod: 'basic', ...sb.credentials.servicenow.basic },
    ...over,
  };
}

export function serviceNowOAuthBody(sb: Sandbox, over: Record<string, unknown> = {}) {
  return {
    type: 'servicenow',
    name: uniqueName('snow-oauth'),
    baseUrl: sb.servicenowUrl,
    credentials: { authMethod: 'oauth', ...sb.credentials.servicenow.oauth },
    ...over,
  };
}

export function jiraBody(sb: Sandbox, over: Record<string, unknown> = {}) {
  return {
    type: 'jira_cloud',
    name: uniqueName('jira'),
    baseUrl: sb.jiraUrl,
    credentials: { email: sb.credentials.jira.email, apiToken: sb.credentials.jira.apiToken },
    ...over,
  };
}

export async function connect(s: Session, body: unknown) {
  const res = await s.post('/api/v1/integrations', body);
  if (res.statusCode !== 201) throw new Error(`connect failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: number; name: string; status: string; [k: string]: unknown };
}
