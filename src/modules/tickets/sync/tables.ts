import type { Generated } from 'kysely';
import type { ClosedTicketPolicy, TicketState } from '../schemas.js';

/** One row per integration once an admin changed its sync settings (defaults apply until then). */
export interface TicketSyncSettingsTable {
  id: Generated<number>;
  org_id: number;
  integration_id: number;
  poll_interval_minutes: number;
  webhooks_enabled: number;
  closed_ticket_policy: ClosedTicketPolicy;
  /** SecretBox ciphertext of the webhook secret (listed in the module's sealedColumns); null until rotated. */
  webhook_secret: string | null;
  /** The next scheduled poll may start at or after this time; a poll claims it by moving it forward. */
  poll_due_at: string | null;
  last_poll_at: string | null;
  last_webhook_at: string | null;
  modified_at: string;
  modified_by: string;
}

/** Delivery ids already accepted, so a replayed push is refused. Kept for longer than the timestamp window. */
export interface TicketWebhookDeliveriesTable {
  id: Generated<number>;
  integration_id: number;
  delivery_id: string;
  received_at: string;
}

/** The columns of `tickets` (owned by this module, created by 0500) that status sync reads and writes. */
export interface SyncedTicketColumns {
  id: Generated<number>;
  org_id: number;
  incident_id: number;
  integration_id: number;
  project_id: number | null;
  state: TicketState;
  external_id: string | null;
  external_key: string | null;
  external_url: string | null;
  external_status: string | null;
  external_status_category: string | null;
  external_assignee_id: string | null;
  /** Added by 0510: the system's own last-update time of what we stored, so an older read never overwrites a newer one. */
  external_updated_at: string | null;
  last_synced_at: string | null;
  updated_at: string;
  closed_at: string | null;
}

export interface TicketSyncTables {
  ticket_sync_settings: TicketSyncSettingsTable;
  ticket_webhook_deliveries: TicketWebhookDeliveriesTable;
}
