import { adminHandler } from './admin.js';
import { SANDBOX_JIRA_CREDENTIALS, SANDBOX_SEEDED_EMAILS, SANDBOX_SERVICENOW_CREDENTIALS } from './constants.js';
import { jiraSystem } from './jira.js';
import { serviceNowSystem } from './servicenow.js';
import { SandboxState } from './state.js';
import { startSystemServer } from './wire.js';
import { sendTicketWebhook } from './webhooks.js';
import { startMessagingSandbox, type MessagingSandbox } from './messaging.js';

export type SandboxOptions = {
  /** ServiceNow listens here, Jira on port + 1, the messaging pages and webhooks on port + 2, SMTP on port + 3 and DNS (UDP and TCP) on port + 4; 0 (default) picks free ports. */
  port?: number;
  host?: string;
};

export type Sandbox = {
  servicenowUrl: string;
  jiraUrl: string;
  credentials: { servicenow: typeof SANDBOX_SERVICENOW_CREDENTIALS; jira: typeof SANDBOX_JIRA_CREDENTIALS };
  seededEmails: typeof SANDBOX_SEEDED_EMAILS;
  /** Live in-memory state: data, faults (`state.setFaults`), request log (`state.log`), `state.reset()`. */
  state: SandboxState;
  /** Mailbox (SMTP), Slack and Teams receivers, their pages and faults. */
  messaging: MessagingSandbox;
  close(): Promise<void>;
};

/**
 * Starts both fake systems. Each needs to be at a site root (`/api/now/...`, `/rest/api/3/...`),
 * so they get a port each and share one in-memory state.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const state = new SandboxState();
  // Fire and forget, like the real systems: a slow receiver never delays the change itself.
  state.onTicketChanged = (system, id) => void sendTicketWebhook(state, system, id);
  const admin = adminHandler(state);
  const servicenow = await startSystemServer(serviceNowSystem(state), state, admin, { port, host });
  let jira;
  let messaging: MessagingSandbox;
  try {
    jira = await startSystemServer(jiraSystem(state), state, admin, { port: port === 0 ? 0 : port + 1, host });
  } catch (err) {
    await servicenow.close();
    throw err;
  }
  try {
    messaging = await startMessagingSandbox({ host, port: port === 0 ? 0 : port + 2, smtpPort: port === 0 ? 0 : port + 3, dnsPort: port === 0 ? 0 : port + 4 });
  } catch (err) {
    await Promise.all([servicenow.close(), jira.close()]);
    throw err;
  }
  state.messagingUrl = messaging.url;
  return {
    servicenowUrl: servicenow.url,
    jiraUrl: jira.url,
    credentials: { servicenow: SANDBOX_SERVICENOW_CREDENTIALS, jira: SANDBOX_JIRA_CREDENTIALS },
    seededEmails: SANDBOX_SEEDED_EMAILS,
    state,
    messaging,
    close: async () => {
      await Promise.all([servicenow.close(), jira.close(), messaging.close()]);
    },
  };
}
