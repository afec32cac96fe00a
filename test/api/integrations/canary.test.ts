import fs from 'node:fs';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../../src/config.js';
import { buildApp } from '../../../src/app.js';
import { createContext, type AppContext } from '../../../src/app-context.js';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { migrateToLatest } from '../../../src/db.js';
import { createAdmin } from '../../../src/bootstrap.js';
import { REDACT_PATHS } from '../../../src/platform/log.js';
import { TEST_PASSWORD } from '../../helpers/test-app.js';
import { testDatabasePlace, type TestDatabasePlace } from '../../helpers/test-database.js';
import { sandbox, type Sandbox } from './helpers.js';

/**
 * Canary secrets: unique values planted as credentials. After exercising the API, none may appear
 * in an API response, an audit row, a log line (everything pino wrote, at trace level) or in
 * plaintext anywhere in the database.
 */
const stamp = `${process.pid}${Date.now().toString(36)}`;
const CANARY = {
  snPassword: `CANARY-snpw-${stamp}`,
  jiraToken: `CANARY-jira-${stamp}`,
  jiraToken2: `CANARY-jira2-${stamp}`,
  refusedSecret: `CANARY-refused-${stamp}`,
  refusedPassword: `CANARY-badpw-${stamp}`,
};

let sb: Sandbox;
let app: FastifyInstance;
let ctx: AppContext;
let database: Database;
let place: TestDatabasePlace;
let dbFile: string | null = null;
let schema: string | undefined;
const logs: string[] = [];
const responses: string[] = [];

beforeAll(async () => {
  sb = await sandbox();
  // Accounts in the sandbox that accept the canaries.
  const snTemplate = sb.state.servicenow.users.find((u) => u.user_name === sb.credentials.servicenow.basic.username)!;
  sb.state.servicenow.users.push({ ...snTemplate, sys_id: 'c'.repeat(32), user_name: 'canary.user', password: CANARY.snPassword });
  const jiraTemplate = sb.state.jira.accounts.find((a) => a.email === sb.credentials.jira.email)!;
  sb.state.jira.accounts.push({ ...jiraTemplate, accountId: 'canary-account', email: 'canary@example.com', apiToken: CANARY.jiraToken });
  sb.state.jira.accounts.push({ ...jiraTemplate, accountId: 'canary-account-2', email: 'canary2@example.com', apiToken: CANARY.jiraToken2 });

  place = await testDatabasePlace('canary');
  schema = place.schema;
  if (!schema) dbFile = place.url.slice('sqlite:'.length);
  const config = loadConfig({ WFA_DATA_DIR: place.dataDir, DATABASE_URL: place.url, WFA_ALLOW_PRIVATE_TARGETS: 'true', LOG_LEVEL: 'trace' });
  if (schema && config.database.kind === 'postgres') config.database.schema = schema;
  database = openDatabase(config.database);
  await migrateToLatest(database);
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } }, stream);
  ctx = createContext(config, database, logger as never);
  ctx.integrations.connectorOverrides = { sleep: async () => {} };
  app = await buildApp(ctx, { logger: { level: 'trace', stream, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } }, serveWeb: false });
  await app.ready();
  await createAdmin(ctx, { email: 'canary-admin@example.com', name: 'Canary', password: TEST_PASSWORD, orgName: 'Canary Org' });
});

afterAll(async () => {
  await app?.close();
  await database?.close();
  await place?.drop();
  await sb?.close();
});

it('never lets a stored secret out: API responses, audit rows, logs, database plaintext', async () => {
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'canary-admin@example.com', password: TEST_PASSWORD } });
  const cookie = String(login.headers['set-cookie']).split(';')[0];
  const csrf = login.json().csrfToken as string;
  const call = async (method: string, url: string, payload?: unknown): Promise<LightMyRequestResponse> => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { cookie, 'x-csrf-token': csrf },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    responses.push(`${method} ${url} ${res.statusCode} ${JSON.stringify(res.headers)} ${res.body}`);
    return res;
  };

  const sn = await call('POST', '/api/v1/integrations', {
    type: 'servicenow',
    name: 'canary-sn',
    baseUrl: sb.servicenowUrl,
    credentials: { authMethod: 'basic', username: 'canary.user', password: CANARY.snPassword },
  });
  expect(sn.statusCode).toBe(201);
  const oauth = await call('POST', '/api/v1/integrations', {
    type: 'servicenow',
    name: 'canary-oauth',
    baseUrl: sb.servicenowUrl,
    credentials: { authMethod: 'oauth', ...sb.credentials.servicenow.oauth },
  });
  expect(oauth.statusCode).toBe(201);
  const jira = await call('POST', '/api/v1/integrations', {
    type: 'jira_cloud',
    name: 'canary-jira',
    baseUrl: sb.jiraUrl,
    credentials: { email: 'canary@example.com', apiToken: CANARY.jiraToken },
  });
  expect(jira.statusCode).toBe(201);
  const refused = await call('POST', '/api/v1/integrations', {
    type: 'servicenow',
    name: 'canary-refused',
    baseUrl: sb.servicenowUrl,
    credentials: { authMethod: 'oauth', clientId: 'x', clientSecret: CANARY.refusedSecret, username: 'canary.user', password: CANARY.refusedPassword },
  });
  expect(refused.statusCode).toBe(422);
  const unreachable = await call('POST', '/api/v1/integrations', {
    type: 'jira_cloud',
    name: 'canary-unreachable',
    baseUrl: 'http://127.0.0.1:1',
    credentials: { email: 'canary@example.com', apiToken: CANARY.refusedSecret },
  });
  expect(unreachable.statusCode).toBe(502);
  const badEdit = await call('PATCH', `/api/v1/integrations/${jira.json().id}`, { credentials: { apiToken: CANARY.refusedPassword } });
  expect(badEdit.statusCode).toBe(422);
  const goodEdit = await call('PATCH', `/api/v1/integrations/${jira.json().id}`, {
    credentials: { email: 'canary2@example.com', apiToken: CANARY.jiraToken2 },
  });
  expect(goodEdit.statusCode).toBe(200);
  await call('PATCH', `/api/v1/integrations/${sn.json().id}`, {
    name: 'canary-sn-2',
    credentials: { password: CANARY.snPassword },
    settings: { syncTicketStatus: true },
  });
  // Failures feed health and the logs.
  sb.state.setFaults('servicenow', { errorBurst: 8 });
  await call('POST', `/api/v1/integrations/${sn.json().id}/verify`);
  await call('POST', `/api/v1/integrations/${sn.json().id}/verify`);
  sb.state.clearFaults();
  sb.state.expireAccessTokens();
  await call('POST', `/api/v1/integrations/${oauth.json().id}/verify`);
  await call('POST', `/api/v1/integrations/${jira.json().id}/projects/sync`);
  await call('POST', `/api/v1/integrations/${sn.json().id}/disable`);
  await call('POST', `/api/v1/integrations/${sn.json().id}/enable`);
  await call('GET', '/api/v1/integrations');
  for (const id of [sn.json().id, oauth.json().id, jira.json().id]) await call('GET', `/api/v1/integrations/${id}`);
  await call('GET', '/api/v1/audit-logs?pageSize=100');
  await call('GET', '/api/v1/alerts');
  await call('GET', '/api/openapi.json');
  await call('DELETE', `/api/v1/integrations/${oauth.json().id}`);
  await ctx.integrations.settled();

  // OAuth tokens the sandbox issued are secrets too.
  const tokens = [...sb.state.servicenow.accessTokens.keys(), ...sb.state.servicenow.refreshTokens.keys()];
  expect(tokens.length).toBeGreaterThan(0);
  const secrets = [...Object.values(CANARY), ...tokens, sb.credentials.servicenow.oauth.clientSecret];

  const auditRows = await ctx.db.selectFrom('audit_log').selectAll().execute();
  expect(auditRows.length).toBeGreaterThan(5);
  const auditText = JSON.stringify(auditRows);
  const responseText = responses.join('\n');
  const logText = logs.join('');
  expect(logs.length).toBeGreaterThan(10);
  expect(logText).toContain('integration call failed');
  for (const secret of secrets) {
    expect(responseText, 'API responses').not.toContain(secret);
    expect(auditText, 'audit rows').not.toContain(secret);
    expect(logText, 'log lines').not.toContain(secret);
  }

  // Database: the credentials column holds ciphertext only (nothing at all once deleted), and no plaintext anywhere.
  const rows = await ctx.db.selectFrom('integrations').select(['name', 'credentials', 'deleted_at']).execute();
  expect(rows.filter((r) => r.deleted_at).map((r) => r.name)).toEqual(['canary-oauth']);
  for (const r of rows) {
    if (r.deleted_at) expect(r.credentials).toBe('');
    else expect(r.credentials).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
  }
  let everything: string;
  if (dbFile) {
    await database.close();
    everything = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f).toString('latin1'))
      .join('\n');
    database = openDatabase({ kind: 'sqlite', file: dbFile });
  } else {
    const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await c.connect();
    const tables = await c.query(`select table_name from information_schema.tables where table_schema = $1`, [schema]);
    const dumps: string[] = [];
    for (const t of tables.rows as { table_name: string }[]) dumps.push(JSON.stringify((await c.query(`select * from ${schema}."${t.table_name}"`)).rows));
    await c.end();
    everything = dumps.join('\n');
  }
  expect(everything).toContain('canary-sn-2');
  for (const secret of secrets) expect(everything, 'database').not.toContain(secret);
});
