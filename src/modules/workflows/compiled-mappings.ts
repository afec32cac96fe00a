import type { AnyExec } from '../../platform/db/database.js';
import { factsNeeded } from './attributes.js';
import { propertiesOf, type Condition } from './conditions.js';
import type { CompiledMappings, CompiledStatement } from './engine.js';
import { StatementIndex } from './statement-index.js';
import type { WorkflowsStore } from './store.js';

/** Orgs whose compiled statements are kept; past this the cache starts over (it refills per batch). */
const MAX_ORGS = 1000;

/**
 * The org's mapping statements compiled for evaluation (conditions parsed, workflows' current
 * versions resolved, what of an incident they read), kept per org and keyed by a stamp of the
 * statements and their workflows. Each evaluation reads only the stamp, one light query, so a
 * change made by any server process is seen by the next batch, and an unchanged set is compiled once.
 */
export class MappingCompiler {
  private readonly cache = new Map<number, { stamp: string; compiled: CompiledMappings }>();

  constructor(private readonly store: WorkflowsStore) {}

  /** This process changed the org's statements or workflows: compile again even within the same millisecond. */
  forget(orgId: number): void {
    this.cache.delete(orgId);
  }

  /** `exec`: the ingestion transaction, which sees the statements as of its own snapshot. */
  async compiled(orgId: number, exec?: AnyExec): Promise<CompiledMappings> {
    const stamp = (await this.store.mappingStamps(orgId, exec))
      .map((r) => `${r.id}:${r.position}:${r.updated_at}:${r.workflow_id}:${r.current_version}:${r.workflow_updated_at}`)
      .join('|');
    const hit = this.cache.get(orgId);
    if (hit && hit.stamp === stamp) return hit.compiled;
    const compiled = await this.compile(orgId, exec);
    if (this.cache.size >= MAX_ORGS) this.cache.clear();
    this.cache.set(orgId, { stamp, compiled });
    return compiled;
  }

  private async compile(orgId: number, exec?: AnyExec): Promise<CompiledMappings> {
    const rows = await this.store.mappings(orgId, exec);
    if (!rows.length) return { statements: [], need: { labels: false, details: false }, read: new Set(), index: new StatementIndex([]) };
    const names = new Map((await this.store.listWorkflows(orgId, exec)).map((w) => [w.id, w.name]));
    const versions = await this.store.currentVersionIds(orgId, exec);
    const statements: CompiledStatement[] = [];
    const read = new Set<string>();
    for (const r of rows) {
      const name = names.get(r.workflow_id);
      const versionId = versions.get(r.workflow_id);
      if (name === undefined || versionId === undefined) continue;
      const condition = r.condition ? (JSON.parse(r.condition) as Condition) : null;
      if (condition) propertiesOf(condition, read);
      statements.push({ record: r, condition, workflow: { id: r.workflow_id, name, versionId } });
    }
    const index = new StatementIndex(statements.map((s) => ({ sourceDlpType: s.record.source_dlp_type, condition: s.condition })));
    return { statements, need: factsNeeded(read), read, index };
  }
}
