import type { MigrationFn } from '../../../platform/module.js';
import { ticketSyncInit } from './migrations.js';

/**
 * What status sync adds to the tickets module's manifest (`src/modules/tickets/module.ts`):
 *   migrations: { ...ticketsMigrations, ...TICKET_SYNC_MIGRATIONS },
 *   tables: [...ticketsTables, ...TICKET_SYNC_TABLES],
 *   sealedColumns: TICKET_SYNC_SEALED_COLUMNS,
 *   schedules: [{ name: STATUS_POLL_SCHEDULE, everyMs: STATUS_POLL_EVERY_MS, run: (s) => s.sync.pollDue() }],
 * and routes: `ticketSyncRoutes(service.sync)` registered beside the tickets routes.
 */
export const TICKET_SYNC_MIGRATIONS: Record<string, MigrationFn> = { '0510_ticket_sync': ticketSyncInit };
export const TICKET_SYNC_TABLES = ['ticket_sync_settings', 'ticket_webhook_deliveries'] as const;
export const TICKET_SYNC_SEALED_COLUMNS = [{ table: 'ticket_sync_settings', column: 'webhook_secret' }] as const;
/** Every minute; each integration's own interval decides whether a run polls it. */
export const STATUS_POLL_SCHEDULE = 'tickets:status-poll';
export const STATUS_POLL_EVERY_MS = 60_000;
