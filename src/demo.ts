import path from 'node:path';
import { loadConfig } from './config.js';
import { startServer } from './server.js';
import { createAdmin } from './bootstrap.js';
import { randomToken } from './platform/tokens.js';
import { fullPermissions } from './platform/permissions.js';
import type { DemoSandbox } from './platform/module.js';
import { systemPrincipal, type Principal } from './platform/principal.js';

export const DEMO_ADMIN_EMAIL = 'admin@demo.local';

/**
 * `npm run demo`: embedded SQLite under ./data, the sandbox ServiceNow and Jira beside the
 * server, and sample data, so a newcomer can try everything at once. The admin's password is
 * new on every run and printed.
 */
export async function runDemo(
  env: NodeJS.ProcessEnv = process.env,
  options: { sandboxPort?: number } = {},
): Promise<{ stop(): Promise<void>; url: string; password: string; output: string }> {
  const { startSandbox, SANDBOX_SERVICENOW_CREDENTIALS: sn, SANDBOX_JIRA_CREDENTIALS: jira } = await import('./sandbox/index.js');
  const started = await startSandbox({ host: '127.0.0.1', port: options.sandboxPort ?? 0 });
  const messaging = started.messaging;
  const sandbox = started as unknown as DemoSandbox;
  const config = loadConfig({
    PORT: '8080',
    HOST: '127.0.0.1',
    WFA_DATA_DIR: path.resolve('data'),
    WFA_ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: 'warn',
    // Notification email goes to the sandbox mail server unless the environment names a real one.
    WFA_SMTP_URL: messaging.smtp.url,
    WFA_SMTP_FROM: 'notifications@demo.example.com',
    // Custom email domains are verified against the sandbox DNS, where the demo "publishes" records.
    WFA_DNS_SERVERS: messaging.dns.servers,
    ...env,
    DATABASE_URL: env.DATABASE_URL ?? `sqlite:${path.resolve(env.WFA_DATA_DIR ?? 'data', 'demo.db')}`,
    // Links in tickets and the webhook URL the sandbox pushes to must reach this server.
    WFA_PUBLIC_URL: env.WFA_PUBLIC_URL ?? `http://${env.HOST ?? '127.0.0.1'}:${env.PORT ?? '8080'}`,
  });
  const server = await startServer(config);
  const ctx = server.ctx;
  const password = randomToken(12);
  const existing = await ctx.admins.findByEmail(DEMO_ADMIN_EMAIL);
  let actor: Principal;
  if (existing) {
    actor = systemPrincipal(existing.org_id, fullPermissions());
    await ctx.admins.update(actor, existing.id, { password, status: 'active' });
  } else {
    const { org } = await createAdmin(ctx, { email: DEMO_ADMIN_EMAIL, name: 'Demo Admin', password, orgName: 'Demo Org' });
    actor = systemPrincipal(org.id, fullPermissions());
  }
  const notes: string[] = [];
  // Each module's sample data, in list order (a module's demo may use data of the modules before it).
  for (const { definition, service } of ctx.modules) if (definition.demo) notes.push(...(await definition.demo(service, actor, sandbox)));

  const output = `
Workflow Automation demo is running.

  Open:      ${server.url}
  Email:     ${DEMO_ADMIN_EMAIL}
  Password:  ${password}

The sandbox: a local fake ServiceNow and Jira Cloud (in memory; these credentials work nowhere else).
  Its own page (tickets, their status and assignee, webhooks, seeded users): ${sandbox.servicenowUrl}/__sandbox/
  ServiceNow  ${sandbox.servicenowUrl}
    Connect Account with Basic: username ${sn.basic.username}, password ${sn.basic.password}
  Jira Cloud  ${sandbox.jiraUrl}
    Connect Account with email ${jira.email}, API token ${jira.apiToken}
  Messaging   ${messaging.url}/  (mailbox ${messaging.mailboxUrl}, Slack and Teams messages)
    SMTP ${messaging.smtp.host}:${messaging.smtp.port}, user ${messaging.smtp.username}, password ${messaging.smtp.password}
    DNS ${messaging.dns.servers} (UDP and TCP): publish a custom email domain's records at ${messaging.url}/dns
${notes.map((n) => `  ${n}`).join('\n')}
Press Ctrl+C to stop.`;
  console.log(output);
  const stop = async () => {
    await server.stop();
    await sandbox.close();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  return { stop, url: server.url, password, output };
}
