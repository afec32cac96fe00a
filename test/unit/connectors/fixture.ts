import { createConnector } from '../../../src/connectors/index.js';
import type { ConnectorError, ConnectorOptions, OAuthTokens, TicketingConnector } from '../../../src/connectors/types.js';
import type { Sandbox } from '../../../src/sandbox/index.js';

/** Records every wait instead of sleeping, with how many requests the sandbox had seen at that moment. */
export function recordingSleep(sandbox: Sandbox) {
  const waits: { ms: number; requestsBefore: number }[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push({ ms, requestsBefore: sandbox.state.log.length });
    },
  };
}

export function outcomes() {
  const results: { ok: boolean; error?: ConnectorError }[] = [];
  return { results, onCallResult: (ok: boolean, error?: ConnectorError) => results.push({ ok, error }) };
}

export function serviceNow(sandbox: Sandbox, opts: Partial<ConnectorOptions> = {}, creds?: { username: string; password: string }): TicketingConnector {
  const basic = creds ?? sandbox.credentials.servicenow.basic;
  return createConnector(
    { type: 'servicenow', baseUrl: sandbox.servicenowUrl, credentials: { authMethod: 'basic', username: basic.username, password: basic.password } },
    { allowPrivateTargets: true, sleep: async () => {}, ...opts },
  );
}

export function serviceNowOAuth(sandbox: Sandbox, opts: Partial<ConnectorOptions> = {}, tokens: Partial<OAuthTokens> = {}): TicketingConnector {
  return createConnector(
    { type: 'servicenow', baseUrl: sandbox.servicenowUrl, credentials: { authMethod: 'oauth', ...sandbox.credentials.servicenow.oauth, ...tokens } },
    { allowPrivateTargets: true, sleep: async () => {}, ...opts },
  );
}

export function jira(sandbox: Sandbox, opts: Partial<ConnectorOptions> = {}, creds?: { email: string; apiToken: string }): TicketingConnector {
  const c = creds ?? sandbox.credentials.jira;
  return createConnector(
    { type: 'jira_cloud', baseUrl: sandbox.jiraUrl, credentials: { email: c.email, apiToken: c.apiToken } },
    { allowPrivateTargets: true, sleep: async () => {}, ...opts },
  );
}

/** Awaits a promise that must reject, and returns the error for assertions. */
export async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
