import type { Kysely } from 'kysely';
import { projectCatalogOf, type FieldMeta } from '../../connectors/index.js';
import { nowIso } from '../../platform/db/database.js';
import type { IntegrationsTables } from './tables.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import { recordIntegrationChange } from './audit-entries.js';
import type { IntegrationConnectors } from './connectors.js';
import { LOCKED_JIRA_FIELDS, compatibleIncidentFields } from './incident-fields.js';
import { requireJira, requireProject } from './lookups.js';
import { mappingRowsToSave } from './mapping-rows.js';
import type { MappingRowView, MappingView, SaveMappingInput } from './schemas.js';
import type { IntegrationsStore, JiraProjectRecord, MappingRecord } from './store.js';
import { parseJson } from './text.js';

type IssueType = { id: string; name: string };

function mappingRowView(m: MappingRecord): MappingRowView {
  const allowedValues = parseJson<{ id: string; name: string }[] | null>(m.allowed_values, null);
  return {
    fieldKey: m.field_key,
    fieldName: m.field_name,
    required: m.required === 1,
    schemaType: m.schema_type,
    schemaCustom: m.schema_custom,
    schemaItems: m.schema_items,
    allowedValues,
    incidentField: m.incident_field,
    defaultValue: m.default_value,
    defaultLabel: m.default_value === null ? null : (allowedValues?.find((v) => v.id === m.default_value)?.name ?? m.default_value),
    locked: m.locked === 1,
    modifiedAt: m.modified_at,
    modifiedBy: m.modified_by,
  };
}

function mappingView(project: JiraProjectRecord, issueType: IssueType, fields: FieldMeta[], rows: MappingRecord[]): MappingView {
  const saved = new Set(rows.map((r) => r.field_key));
  const complete = rows.length > 0 && fields.filter((f) => f.required).every((f) => saved.has(f.key));
  return {
    projectId: project.id,
    issueType,
    fields: fields.map((f) => ({
      key: f.key,
      name: f.name,
      required: f.required,
      schemaType: f.schemaType,
      allowedValues: f.allowedValues ?? null,
      compatibleIncidentFields: compatibleIncidentFields(f.schemaType),
      locked: LOCKED_JIRA_FIELDS.has(f.key),
    })),
    rows: rows.map(mappingRowView),
    complete,
  };
}

/** Mapping rows as the audit log shows them. */
function auditedRows(project: JiraProjectRecord, issueTypeName: string, rows: Pick<MappingRecord, 'field_key' | 'incident_field' | 'default_value'>[]) {
  return {
    project: project.key,
    issueType: issueTypeName,
    rows: rows.map((r) => ({ field: r.field_key, incidentField: r.incident_field, defaultValue: r.default_value })),
  };
}

/** Required Fields Mappings: which incident field or default value fills each Jira field of a project + issue type. */
export class FieldMappings {
  constructor(
    private readonly db: Kysely<IntegrationsTables>,
    private readonly store: IntegrationsStore,
    private readonly audit: AuditRecorder,
    private readonly connectors: IntegrationConnectors,
  ) {}

  /** Saved field mapping rows of a project + issue type (for filling a Jira issue). */
  async fieldMappings(orgId: number, projectId: number, issueTypeId: string): Promise<MappingRowView[]> {
    return (await this.store.mappings(orgId, projectId, issueTypeId)).map(mappingRowView);
  }

  /** Required Fields Mappings page: Jira's fields for the project + issue type (live) and the saved rows. */
  async getMapping(orgId: number, id: number, projectId: number, issueTypeId: string): Promise<MappingView> {
    const { project, issueType, fields } = await this.mappingContext(orgId, id, projectId, issueTypeId);
    const rows = await this.store.mappings(orgId, projectId, issueTypeId);
    return mappingView(project, issueType, fields, rows);
  }

  async saveMapping(actor: Principal, id: number, projectId: number, issueTypeId: string, input: SaveMappingInput): Promise<MappingView> {
    const { integration, project, issueType, fields } = await this.mappingContext(actor.orgId, id, projectId, issueTypeId);
    const now = nowIso();
    const { rows, problems } = mappingRowsToSave(actor, project, issueType, fields, input, now);
    if (problems.length) throw badRequest(problems[0], { problems });
    await this.db.transaction().execute(async (trx) => {
      const before = await this.store.mappings(actor.orgId, projectId, issueType.id, trx);
      await this.store.replaceMappings(trx, actor.orgId, projectId, issueType.id, rows);
      await this.store.updateProject(trx, actor.orgId, projectId, { modified_at: now, modified_by: actor.label });
      await recordIntegrationChange(this.audit, trx, actor, id, {
        action: before.length ? 'Update' : 'Insert',
        notes: `Saved the field mappings of ${issueType.name} in project ${project.key} of Jira integration ${integration.name}`,
        before: before.length ? auditedRows(project, issueType.name, before) : undefined,
        after: auditedRows(project, issueType.name, rows),
      });
    });
    return mappingView(project, issueType, fields, await this.store.mappings(actor.orgId, projectId, issueType.id));
  }

  async deleteMapping(actor: Principal, id: number, projectId: number, issueTypeId: string): Promise<void> {
    const integration = await requireJira(this.store, actor.orgId, id);
    const project = await requireProject(this.store, actor.orgId, id, projectId);
    await this.db.transaction().execute(async (trx) => {
      const before = await this.store.mappings(actor.orgId, projectId, issueTypeId, trx);
      if (!before.length) throw notFound('Field mapping');
      await this.store.replaceMappings(trx, actor.orgId, projectId, issueTypeId, []);
      await this.store.updateProject(trx, actor.orgId, projectId, { modified_at: nowIso(), modified_by: actor.label });
      await recordIntegrationChange(this.audit, trx, actor, id, {
        action: 'Delete',
        notes: `Removed the field mappings of ${before[0].issue_type_name} in project ${project.key} of Jira integration ${integration.name}`,
        before: auditedRows(project, before[0].issue_type_name, before),
      });
    });
  }

  /** The project, issue type and Jira's live fields a mapping is edited against. */
  private async mappingContext(orgId: number, id: number, projectId: number, issueTypeId: string) {
    const integration = await requireJira(this.store, orgId, id);
    const project = await requireProject(this.store, orgId, id, projectId);
    const issueType = parseJson<IssueType[]>(project.issue_types, []).find((t) => t.id === issueTypeId);
    if (!issueType) throw notFound('Issue type');
    const connector = await this.connectors.connectorFor(orgId, id);
    const fields = await this.connectors.settledCall(id, () => projectCatalogOf(connector).getFields(project.key, issueType.id));
    return { integration, project, issueType, fields };
  }
}
