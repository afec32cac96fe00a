import { createHash } from 'node:crypto';
import { SANDBOX_JIRA_CREDENTIALS, SANDBOX_SERVICENOW_CREDENTIALS } from './constants.js';

/** Deterministic ids so seeded users keep their ids across restarts (demo data stays linkable). */
export function stableHex(seed: string, length = 32): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

export type SnUser = {
  sys_id: string;
  name: string;
  user_name: string;
  email: string;
  active: 'true' | 'false';
  /** Integration accounts only. */
  password?: string;
  canWrite: boolean;
};

export type JournalEntry = { field: 'work_notes' | 'comments'; value: string; at: string };
export type SnIncident = Record<string, string> & { sys_id: string; number: string; state: string };

export function seedServiceNowUsers(): SnUser[] {
  const user = (user_name: string, name: string, email: string, active = true): SnUser => ({
    sys_id: stableHex(`sn-user-${user_name}`),
    name,
    user_name,
    email,
    active: active ? 'true' : 'false',
    canWrite: false,
  });
  const creds = SANDBOX_SERVICENOW_CREDENTIALS;
  return [
    { ...user(creds.basic.username, 'Workflow Automation Integration', 'wfa.integration@example.com'), password: creds.basic.password, canWrite: true },
    { ...user(creds.readOnlyBasic.username, 'Workflow Automation Read Only', 'wfa.readonly@example.com'), password: creds.readOnlyBasic.password },
    user('abel.tuter', 'Abel Tuter', 'abel.tuter@example.com'),
    user('beth.anglin', 'Beth Anglin', 'Beth.Anglin@Example.com'),
    user('fred.luddy', 'Fred Luddy', 'fred.luddy@example.com'),
    user('ivan.inactive', 'Ivan Inactive', 'ivan.inactive@example.com', false),
    user('shared.mailbox', 'Shared Mailbox', 'shared.mailbox@example.com'),
    user('shared.mailbox2', 'Shared Mailbox (EMEA)', 'Shared.Mailbox@example.com'),
  ];
}

export type JiraAccount = {
  accountId: string;
  accountType: 'atlassian' | 'app' | 'customer';
  active: boolean;
  displayName: string;
  email: string;
  emailVisible: boolean;
  apiToken?: string;
  canCreate: boolean;
  canBrowseUsers: boolean;
};

export function seedJiraAccounts(): JiraAccount[] {
  const account = (displayName: string, email: string, extra: Partial<JiraAccount> = {}): JiraAccount => ({
    accountId: `5b10${stableHex(`jira-${email}-${displayName}`, 20)}`,
    accountType: 'atlassian',
    active: true,
    displayName,
    email,
    emailVisible: true,
    canCreate: false,
    canBrowseUsers: false,
    ...extra,
  });
  const creds = SANDBOX_JIRA_CREDENTIALS;
  return [
    account('Workflow Automation Integration', creds.email, { apiToken: creds.apiToken, canCreate: true, canBrowseUsers: true }),
    account('Workflow Automation Read Only', creds.readOnly.email, { apiToken: creds.readOnly.apiToken }),
    account('Abel Tuter', 'abel.tuter@example.com'),
    account('Beth Anglin', 'Beth.Anglin@example.com'),
    account('Fred Example', 'fred@example.com'),
    account('Fred Community', 'fred@example.community'),
    account('Ivan Inactive', 'ivan.inactive@example.com', { active: false }),
    account('Hidden User', 'hidden.user@example.com', { emailVisible: false }),
    account('Shared Mailbox', 'shared.mailbox@example.com'),
    account('Shared Mailbox EMEA', 'shared.mailbox@example.com'),
    // Apps are not people and must never be picked as assignees, even with a matching address.
    account('Automation for Jira', 'abel.tuter@example.com.automation', { accountType: 'app' }),
  ];
}

export type JiraStatusDef = { id: string; name: string; category: 'new' | 'indeterminate' | 'done' };
export type JiraFieldDef = {
  key: string;
  name: string;
  required: boolean;
  schema: { type: string; system?: string; custom?: string; customId?: number; items?: string };
  allowedValues?: { id: string; name?: string; value?: string }[];
};
export type JiraIssueTypeDef = { id: string; name: string; subtask: boolean; fields: JiraFieldDef[] };
export type JiraProjectDef = { id: string; key: string; name: string; statuses: JiraStatusDef[]; issueTypes: JiraIssueTypeDef[] };

const systemField = (key: string, name: string, type: string, required = false, items?: string): JiraFieldDef => ({
  key,
  name,
  required,
  schema: { type, system: key, ...(items ? { items } : {}) },
});

const priority: JiraFieldDef = {
  ...systemField('priority', 'Priority', 'priority'),
  allowedValues: [
    { id: '2', name: 'High' },
    { id: '3', name: 'Medium' },
    { id: '4', name: 'Low' },
  ],
};

function baseFields(withLabels: boolean): JiraFieldDef[] {
  return [
    systemField('summary', 'Summary', 'string', true),
    systemField('issuetype', 'Issue Type', 'issuetype', true),
    systemField('project', 'Project', 'project', true),
    systemField('description', 'Description', 'string'),
    systemField('assignee', 'Assignee', 'user'),
    systemField('reporter', 'Reporter', 'user'),
    priority,
    ...(withLabels ? [systemField('labels', 'Labels', 'array', false, 'string')] : []),
  ];
}

export const DATA_CLASSIFICATION_FIELD = 'customfield_10050';

export function seedJiraProjects(): JiraProjectDef[] {
  return [
    {
      id: '10000',
      key: 'SEC',
      name: 'Security Incidents',
      statuses: [
        { id: '10000', name: 'To Do', category: 'new' },
        { id: '3', name: 'In Progress', category: 'indeterminate' },
        { id: '10001', name: 'Done', category: 'done' },
      ],
      issueTypes: [
        { id: '10001', name: 'Task', subtask: false, fields: baseFields(true) },
        {
          id: '10002',
          name: 'Security Incident',
          subtask: false,
          fields: [
            ...baseFields(true),
            {
              key: DATA_CLASSIFICATION_FIELD,
              name: 'Data Classification',
              required: true,
              schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10050 },
              allowedValues: [
                { id: '10100', value: 'Public' },
                { id: '10101', value: 'Internal' },
                { id: '10102', value: 'Confidential' },
                { id: '10103', value: 'Restricted' },
              ],
            },
          ],
        },
      ],
    },
    {
      id: '10001',
      key: 'OPS',
      name: 'IT Operations',
      statuses: [
        { id: '1', name: 'Open', category: 'new' },
        { id: '10002', name: 'Working', category: 'indeterminate' },
        { id: '5', name: 'Resolved', category: 'done' },
        { id: '6', name: 'Closed', category: 'done' },
      ],
      issueTypes: [{ id: '10003', name: 'Task', subtask: false, fields: baseFields(false) }],
    },
  ];
}
