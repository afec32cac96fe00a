/**
 * Default credentials and seeded data of the sandbox. They are documented constants on purpose:
 * the sandbox is a local fake for demos and tests, and these values must never be used elsewhere.
 */

export const SANDBOX_SERVICENOW_CREDENTIALS = {
  basic: { username: 'wfa.integration', password: 'sandbox-sn-password' },
  /** Can read users and incidents but is refused writes (403), to exercise permission errors. */
  readOnlyBasic: { username: 'wfa.readonly', password: 'sandbox-sn-readonly' },
  oauth: {
    clientId: 'sandbox-client-id',
    clientSecret: 'sandbox-client-secret',
    username: 'wfa.integration',
    password: 'sandbox-sn-password',
  },
} as const;

export const SANDBOX_JIRA_CREDENTIALS = {
  email: 'wfa.integration@example.com',
  apiToken: 'sandbox-jira-api-token',
  /** Lacks the Create issues permission (403) and Browse users (empty user search). */
  readOnly: { email: 'wfa.readonly@example.com', apiToken: 'sandbox-jira-readonly-token' },
} as const;

/** Emails that produce each lookup outcome. Mixed case is deliberate: matching is case-insensitive. */
export const SANDBOX_SEEDED_EMAILS = {
  servicenow: {
    found: ['abel.tuter@example.com', 'beth.anglin@example.com', 'fred.luddy@example.com'],
    inactive: ['ivan.inactive@example.com'],
    /** Two sys_user rows share it. */
    ambiguous: ['shared.mailbox@example.com'],
    notFound: ['nobody@example.com'],
  },
  jira: {
    found: ['abel.tuter@example.com', 'beth.anglin@example.com', 'fred@example.com'],
    inactive: ['ivan.inactive@example.com'],
    /** Two Atlassian accounts show the same email (e.g. a migrated site). */
    ambiguous: ['shared.mailbox@example.com'],
    /** The account exists but hides its email (privacy setting). */
    emailHidden: ['hidden.user@example.com'],
    /** A prefix of other accounts' emails, but nobody's email exactly. */
    notFound: ['nobody@example.com', 'fred@example.co'],
  },
} as const;

export const SANDBOX_JIRA_PROJECTS = {
  /** Has labels on every create screen; issue type 10002 requires a Data Classification option. */
  withLabels: 'SEC',
  /** Its create screen has no Labels field, so the marker cannot be set. */
  withoutLabels: 'OPS',
} as const;
