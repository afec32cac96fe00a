import type { AnyExec } from '../../../platform/module.js';
import type { TicketingConnector } from '../../../connectors/index.js';
import type { Principal } from '../../../platform/principal.js';

/** What status sync needs from the incidents module (t-backend's hooks), typed narrowly. */
export type IncidentHooks = {
  /** A State Changes entry, written inside the caller's transaction. */
  recordEvent(
    exec: AnyExec,
    orgId: number,
    incidentId: number,
    e: {
      action: string;
      summary: string;
      changedBy: string;
      adminId: number | null;
      /** The ticket whose status moved, for those who follow ticket changes (event webhooks). */
      ticket?: {
        change: 'status';
        id: number;
        key: string | null;
        url: string | null;
        status: string | null;
        integrationId: number;
        integrationName: string;
        system: string;
      };
    },
  ): Promise<void>;
  /** Resolved by "System" with its State Changes entry; no-op when already Resolved. */
  resolveBySystem(exec: AnyExec, orgId: number, incidentId: number, summary: string): Promise<unknown>;
};

/** What status sync needs from the integrations module. */
export type IntegrationsPort = {
  get(
    orgId: number,
    id: number,
  ): Promise<{
    id: number;
    type: 'servicenow' | 'jira_cloud';
    name: string;
    enabled: boolean;
    settings: { syncTicketStatus: boolean; closeIncidentOnTicketClosed: boolean };
  }>;
  connectorFor(orgId: number, id: number): Promise<TicketingConnector>;
  list(orgId: number): Promise<{ id: number; type: 'servicenow' | 'jira_cloud'; baseUrl: string; settings: { syncTicketStatus: boolean } }[]>;
  projects(
    orgId: number,
    integrationId: number,
  ): Promise<{ id: number; key: string; statuses: { id: string; category: string }[]; completeStatus: { id: string } | null }[]>;
  settled(id?: number): Promise<void>;
};

export type AuditPort = {
  record(
    exec: AnyExec,
    actor: Principal,
    entry: {
      action: 'Insert' | 'Update' | 'Delete';
      module: string;
      resource: string;
      resourceId?: string | number | null;
      notes: string;
      before?: unknown;
      after?: unknown;
    },
  ): Promise<void>;
};
