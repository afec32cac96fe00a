import type { TableWrites } from '../../platform/db/table-writes.js';
import { summaryOf, type IntegrationSummary } from './integration-view.js';
import type { IntegrationsStore } from './store.js';

/**
 * An org's integration summaries, which the integration-users list reads on every request (to show
 * each user's "Integration" and type without reading this module's table from that module).
 *
 * Staleness: every write to `integrations` in this process (and the commit of its transaction)
 * moves the table's version (`TableWrites`); an entry read at another version is reloaded, and a
 * read that overlapped a write is returned but not kept. Writes by another process show after at
 * most `ttlMs`.
 *
 * Measured: one query fewer per list request (SQLite ~15 µs; PostgreSQL a round trip).
 */
export class SummaryCache {
  private readonly entries = new Map<number, { at: number; version: number; summaries: Promise<readonly IntegrationSummary[]> }>();

  constructor(
    private readonly store: IntegrationsStore,
    private readonly writes: TableWrites,
    private readonly ttlMs = 1000,
    private readonly maxOrgs = 1000,
  ) {}

  async summaries(orgId: number): Promise<IntegrationSummary[]> {
    const now = Date.now();
    const version = this.writes.version('integrations');
    let entry = this.entries.get(orgId);
    if (!entry || entry.version !== version || now - entry.at > this.ttlMs) {
      const summaries = this.store.list(orgId).then((rows) => rows.map((r) => Object.freeze(summaryOf(r))));
      const fresh = { at: now, version, summaries };
      entry = fresh;
      if (this.entries.size >= this.maxOrgs) this.entries.clear();
      this.entries.set(orgId, fresh);
      summaries.then(
        () => {
          if (this.writes.version('integrations') !== version && this.entries.get(orgId) === fresh) this.entries.delete(orgId);
        },
        () => {
          if (this.entries.get(orgId) === fresh) this.entries.delete(orgId);
        },
      );
    }
    // Callers get their own array (they sort and filter it); the summaries themselves are frozen.
    return (await entry.summaries).slice();
  }
}
