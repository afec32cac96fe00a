import { startSandbox, type Sandbox, type SandboxOptions } from './server.js';

/** Entry point of `wfa sandbox`: starts both systems and prints what an admin needs to connect. */
export async function sandboxMain(options: SandboxOptions = {}, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: options.port ?? 8870, host: options.host });
  const sn = sandbox.credentials.servicenow;
  const jira = sandbox.credentials.jira;
  const lines = [
    'Ticketing sandbox running (fake systems for demos and tests; these credentials work nowhere else).',
    '',
    `ServiceNow  ${sandbox.servicenowUrl}   overview: ${sandbox.servicenowUrl}/__sandbox/`,
    `  Basic:  username ${sn.basic.username}  password ${sn.basic.password}`,
    `  OAuth:  client id ${sn.oauth.clientId}  client secret ${sn.oauth.clientSecret}  (username/password as Basic)`,
    `Jira Cloud  ${sandbox.jiraUrl}   overview: ${sandbox.jiraUrl}/__sandbox/`,
    `  Email ${jira.email}  API token ${jira.apiToken}`,
    `Messaging   ${sandbox.messaging.url}/   mailbox: ${sandbox.messaging.mailboxUrl}`,
    `  SMTP:   WFA_SMTP_URL=${sandbox.messaging.smtp.url}  (plain, AUTH PLAIN/LOGIN)`,
    `  Slack incoming webhook:  ${sandbox.messaging.slackWebhookUrl}`,
    `  Teams Workflows webhook: ${sandbox.messaging.teamsWebhookUrl}`,
    `DNS         WFA_DNS_SERVERS=${sandbox.messaging.dns.servers}  (UDP and TCP; publish records at ${sandbox.messaging.url}/dns)`,
    '',
    'Seeded emails:',
    ...Object.entries(sandbox.seededEmails).flatMap(([system, outcomes]) =>
      Object.entries(outcomes).map(([outcome, emails]) => `  ${system} ${outcome}: ${(emails as readonly string[]).join(', ')}`),
    ),
    '',
    'Faults: POST /__sandbox/faults {"rateLimitBurst":2,"retryAfterSeconds":3,"errorBurst":0,"hang":0,"drop":0,"latencyMs":0}',
  ];
  lines.forEach((l) => print(l));
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Closing programmatically (tests, the demo command) must not leave exit handlers behind.
  const close = sandbox.close;
  return {
    ...sandbox,
    close: async () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await close();
    },
  };
}
