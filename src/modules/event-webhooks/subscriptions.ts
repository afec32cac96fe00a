import type { AnyExec } from '../../platform/db/database.js';
import type { TableWrites } from '../../platform/db/table-writes.js';
import type { EventType } from './schemas.js';
import type { EventWebhooksStore } from './store.js';

type Subscribers = ReadonlyMap<string, readonly number[]>;

/**
 * Which enabled webhooks of an org follow which event, asked on every ingest batch: most orgs have
 * none, and that answer must cost nothing. Staleness as in the integrations' summary cache: a write
 * to `event_webhooks` in this process moves the table's version (`TableWrites`) and drops the entry;
 * another process's change shows after at most `ttlMs`. The entry is loaded through the caller's
 * executor, since on SQLite the ingest transaction holds the only connection.
 */
export class SubscriptionCache {
  private readonly entries = new Map<number, { at: number; version: number; subscribers: Subscribers }>();

  constructor(
    private readonly store: EventWebhooksStore,
    private readonly writes: TableWrites,
    private readonly ttlMs = 1000,
    private readonly maxOrgs = 1000,
  ) {}

  async subscribers(orgId: number, type: EventType | string, exec: AnyExec): Promise<readonly number[]> {
    return (await this.forOrg(orgId, exec)).get(type) ?? [];
  }

  private async forOrg(orgId: number, exec: AnyExec): Promise<Subscribers> {
    const now = Date.now();
    const version = this.writes.version('event_webhooks');
    const entry = this.entries.get(orgId);
    if (entry && entry.version === version && now - entry.at <= this.ttlMs) return entry.subscribers;
    const map = new Map<string, number[]>();
    for (const w of await this.store.subscriptions(orgId, exec)) {
      for (const type of JSON.parse(w.events) as string[]) map.set(type, [...(map.get(type) ?? []), w.id]);
    }
    // A read that overlapped a write is used once but not kept.
    if (this.writes.version('event_webhooks') === version) {
      if (this.entries.size >= this.maxOrgs) this.entries.clear();
      this.entries.set(orgId, { at: now, version, subscribers: map });
    }
    return map;
  }
}
