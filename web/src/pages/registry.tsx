import type { ComponentType } from 'react';
import { NotificationCenterPage } from './alerts/NotificationCenterPage';
import { IncidentsPage } from './incidents/IncidentsPage';
import { IncidentDetailsPage } from './incidents/IncidentDetailsPage';
import { LabelsPage } from './labels/LabelsPage';
import { IncidentGroupsPage } from './incident-groups/IncidentGroupsPage';
import { GroupMappingsPage } from './incident-groups/GroupMappingsPage';
import { PrioritiesPage } from './incident-groups/PrioritiesPage';
import { AdminsPage } from './admins/AdminsPage';
import { RolesPage } from './roles/RolesPage';
import { ApiKeysPage } from './api-keys/ApiKeysPage';
import { WebhooksPage } from './webhooks/WebhooksPage';
import { AuditLogsPage } from './audit-logs/AuditLogsPage';
import { IntegrationsPage } from './integrations/IntegrationsPage';
import { AppDetailsPage } from './integrations/AppDetailsPage';
import { AccountEditPage } from './integrations/AccountEditPage';
import { IntegrationUsersPage } from './integration-users/IntegrationUsersPage';
import { TicketsPage } from './tickets/TicketsPage';
import { WorkflowMappingsPage } from './workflows/WorkflowMappingsPage';
import { WorkflowSettingsPage } from './workflows/WorkflowSettingsPage';
import { WorkflowTemplatesPage } from './workflows/WorkflowTemplatesPage';
import { WorkflowsPage } from './workflows/WorkflowsPage';
import { EmailDomainsPage } from './email-domains/EmailDomainsPage';
import { AccountSettingsPage } from './account-settings/AccountSettingsPage';
import { ApproversPage } from './account-settings/ApproversPage';
import { UserAttributesPage } from './account-settings/UserAttributesPage';
import { NotificationTemplatesPage } from './notification-templates/NotificationTemplatesPage';
import { TemplateEditorPage } from './notification-templates/TemplateEditorPage';
import { SurveyTemplatesPage } from './notification-templates/SurveyTemplatesPage';
import { TemplateMappingsPage } from './notification-templates/TemplateMappingsPage';

/**
 * Every page of the app, in navigation order. `permission` hides the page (and its link) from
 * roles without that level; the API enforces the same rule independently.
 */
export type PageDef = {
  path: string;
  label: string;
  section: 'main' | 'setup' | 'hidden';
  permission: [category: string, level: 'view' | 'edit'];
  component: ComponentType;
};

export const PAGES: PageDef[] = [
  { path: '/incidents', label: 'Incidents', section: 'main', permission: ['Incidents', 'view'], component: IncidentsPage },
  { path: '/incidents/:id', label: 'Incident Details', section: 'hidden', permission: ['Incidents', 'view'], component: IncidentDetailsPage },
  { path: '/tickets', label: 'Tickets', section: 'main', permission: ['Incidents', 'view'], component: TicketsPage },
  { path: '/workflow-templates', label: 'Workflow Templates', section: 'main', permission: ['Workflow Templates', 'view'], component: WorkflowTemplatesPage },
  { path: '/workflows', label: 'Workflows', section: 'main', permission: ['Workflows and Mappings', 'view'], component: WorkflowsPage },
  { path: '/workflow-mappings', label: 'Workflow Mappings', section: 'main', permission: ['Workflows and Mappings', 'edit'], component: WorkflowMappingsPage },
  {
    path: '/workflows/new/:template',
    label: 'Add Workflow',
    section: 'hidden',
    permission: ['Workflows and Mappings', 'edit'],
    component: WorkflowSettingsPage,
  },
  {
    path: '/workflows/:id/edit',
    label: 'Workflow Settings',
    section: 'hidden',
    permission: ['Workflows and Mappings', 'view'],
    component: WorkflowSettingsPage,
  },
  { path: '/notifications', label: 'Notification Center', section: 'hidden', permission: ['Notification Center', 'view'], component: NotificationCenterPage },
  { path: '/setup/admins', label: 'Admins', section: 'setup', permission: ['Account Settings', 'view'], component: AdminsPage },
  { path: '/setup/roles', label: 'Roles and Permissions', section: 'setup', permission: ['Account Settings', 'view'], component: RolesPage },
  { path: '/setup/api-keys', label: 'API Keys', section: 'setup', permission: ['API Management', 'view'], component: ApiKeysPage },
  { path: '/setup/webhooks', label: 'Webhooks', section: 'setup', permission: ['API Management', 'view'], component: WebhooksPage },
  { path: '/setup/audit-logs', label: 'Audit Logs', section: 'setup', permission: ['Audit Logs', 'view'], component: AuditLogsPage },
  { path: '/setup/labels', label: 'Labels', section: 'setup', permission: ['Labels', 'view'], component: LabelsPage },
  {
    path: '/setup/incident-groups',
    label: 'Incident Groups',
    section: 'setup',
    permission: ['Incident Group and Mappings', 'view'],
    component: IncidentGroupsPage,
  },
  {
    path: '/setup/incident-group-mappings',
    label: 'Incident Group Mappings',
    section: 'setup',
    permission: ['Incident Group and Mappings', 'view'],
    component: GroupMappingsPage,
  },
  { path: '/setup/priorities', label: 'Priorities', section: 'setup', permission: ['Priorities', 'view'], component: PrioritiesPage },
  { path: '/setup/integrations', label: 'Integrations', section: 'setup', permission: ['Integrations', 'view'], component: IntegrationsPage },
  { path: '/setup/integrations/:app', label: 'Integration Details', section: 'hidden', permission: ['Integrations', 'view'], component: AppDetailsPage },
  { path: '/setup/integrations/:app/:id', label: 'Integration Account', section: 'hidden', permission: ['Integrations', 'view'], component: AccountEditPage },
  {
    path: '/setup/notification-templates',
    label: 'Notification Templates',
    section: 'setup',
    permission: ['Notification Templates', 'view'],
    component: NotificationTemplatesPage,
  },
  {
    path: '/setup/notification-templates/:id',
    label: 'Notification Template',
    section: 'hidden',
    permission: ['Notification Templates', 'view'],
    component: TemplateEditorPage,
  },
  { path: '/setup/survey-templates', label: 'Survey Templates', section: 'setup', permission: ['Survey Templates', 'view'], component: SurveyTemplatesPage },
  {
    path: '/setup/template-mappings',
    label: 'Template Mappings',
    section: 'setup',
    permission: ['Template Mappings', 'view'],
    component: TemplateMappingsPage,
  },
  { path: '/setup/integration-users', label: 'Integration Users', section: 'setup', permission: ['Integrations', 'view'], component: IntegrationUsersPage },
  { path: '/setup/approvers', label: 'Approvers', section: 'setup', permission: ['Approvers', 'view'], component: ApproversPage },
  { path: '/setup/user-attributes', label: 'User Attributes', section: 'setup', permission: ['Account Settings', 'view'], component: UserAttributesPage },
  {
    path: '/setup/email-domains',
    label: 'Custom Email Domains',
    section: 'setup',
    permission: ['Account Settings', 'view'],
    component: EmailDomainsPage,
  },
  { path: '/setup/account-settings', label: 'Account Settings', section: 'setup', permission: ['Account Settings', 'view'], component: AccountSettingsPage },
];
