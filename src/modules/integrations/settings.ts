import { descriptorOf, systemNames } from '../../connectors/descriptors.js';
import { badRequest } from '../../platform/http/errors.js';
import type { IntegrationRecord } from './store.js';

export type IntegrationSettings = { syncTicketStatus: boolean; closeIncidentOnTicketClosed: boolean; syncProjectList: boolean };

export function settingsOf(r: Pick<IntegrationRecord, 'sync_ticket_status' | 'close_incident_on_ticket_closed' | 'sync_project_list'>): IntegrationSettings {
  return {
    syncTicketStatus: r.sync_ticket_status === 1,
    closeIncidentOnTicketClosed: r.close_incident_on_ticket_closed === 1,
    syncProjectList: r.sync_project_list === 1,
  };
}

export function settingsColumns(s: IntegrationSettings) {
  return {
    sync_ticket_status: s.syncTicketStatus ? 1 : 0,
    close_incident_on_ticket_closed: s.closeIncidentOnTicketClosed ? 1 : 0,
    sync_project_list: s.syncProjectList ? 1 : 0,
  };
}

/** The settings an admin asked for on top of `current`, refused when they contradict each other or the type. */
export function resolveSettings(type: IntegrationRecord['type'], input: Partial<IntegrationSettings>, current: IntegrationSettings): IntegrationSettings {
  const hasProjects = descriptorOf(type).capabilities.projects;
  if (!hasProjects && input.syncProjectList) throw badRequest(`Sync project list applies to ${systemNames('or', 'projects')} integrations only.`);
  const syncTicketStatus = input.syncTicketStatus ?? current.syncTicketStatus;
  const close = input.closeIncidentOnTicketClosed ?? current.closeIncidentOnTicketClosed;
  if (input.closeIncidentOnTicketClosed && !syncTicketStatus) {
    throw badRequest('Close incident when ticket is closed needs Sync ticket status to be on.');
  }
  return {
    syncTicketStatus,
    // Closing on ticket close depends on the status sync; turning the sync off turns it off too.
    closeIncidentOnTicketClosed: syncTicketStatus && close,
    syncProjectList: hasProjects ? (input.syncProjectList ?? current.syncProjectList) : false,
  };
}
