import type { FieldMeta } from '../../connectors/index.js';
import type { Principal } from '../../platform/principal.js';
import { INCIDENT_FIELDS, LOCKED_JIRA_FIELDS, compatibleIncidentFields } from './incident-fields.js';
import type { SaveMappingInput } from './schemas.js';
import type { JiraProjectRecord, MappingRecord } from './store.js';
import { nonBlank } from './text.js';

type IssueType = { id: string; name: string };

/**
 * The rows to store for a Required Fields Mappings form, checked against Jira's live fields:
 * every problem is collected so the admin sees them all at once, not one per save.
 */
export function mappingRowsToSave(
  actor: Principal,
  project: JiraProjectRecord,
  issueType: IssueType,
  fields: FieldMeta[],
  input: SaveMappingInput,
  now: string,
): { rows: Omit<MappingRecord, 'id'>[]; problems: string[] } {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const given = new Map<string, SaveMappingInput['rows'][number]>();
  const problems: string[] = [];
  for (const row of input.rows) {
    if (given.has(row.fieldKey)) problems.push(`${byKey.get(row.fieldKey)?.name ?? row.fieldKey} is listed twice.`);
    given.set(row.fieldKey, row);
    if (!byKey.has(row.fieldKey))
      problems.push(`Jira has no field "${row.fieldKey}" for ${issueType.name} in project ${project.key}; sync the project list and reload.`);
  }
  const rows: Omit<MappingRecord, 'id'>[] = [];
  for (const f of fields) {
    const locked = LOCKED_JIRA_FIELDS.has(f.key);
    const row = given.get(f.key);
    if (!locked && !row && !f.required) continue;
    let incidentField: string | null = null;
    let defaultValue: string | null = null;
    if (locked) {
      // Filled by the product on every issue; shown for completeness.
      defaultValue = f.key === 'issuetype' ? issueType.name : project.name;
    } else {
      incidentField = row?.incidentField ?? null;
      defaultValue = nonBlank(row?.defaultValue) ?? null;
      if (!incidentField && defaultValue === null) {
        problems.push(
          f.required
            ? `${f.name} is required by Jira: choose a Zscaler field or enter a default value.`
            : `${f.name}: choose a Zscaler field or enter a default value, or delete the row.`,
        );
        continue;
      }
      if (incidentField && !compatibleIncidentFields(f.schemaType).some((k) => k === incidentField)) {
        const label = INCIDENT_FIELDS.find((x) => x.key === incidentField)?.label ?? incidentField;
        problems.push(`${label} cannot fill the Jira field ${f.name} (${f.schemaType}); use a default value instead.`);
      }
      if (defaultValue !== null && f.allowedValues?.length) {
        const wanted = defaultValue.toLowerCase();
        const match = f.allowedValues.find((v) => v.id === defaultValue || v.name.toLowerCase() === wanted);
        if (!match) problems.push(`"${defaultValue}" is not an allowed value of ${f.name}. Choose one of: ${f.allowedValues.map((v) => v.name).join(', ')}.`);
        // By id: an option renamed in Jira keeps its id, so the mapping keeps working.
        else defaultValue = match.id;
      }
    }
    rows.push({
      org_id: actor.orgId,
      project_id: project.id,
      issue_type_id: issueType.id,
      issue_type_name: issueType.name,
      field_key: f.key,
      field_name: f.name,
      required: f.required ? 1 : 0,
      schema_type: f.schemaType,
      schema_custom: f.schemaCustom ?? null,
      schema_items: f.schemaItems ?? null,
      schema_system: f.schemaSystem ?? null,
      allowed_values: f.allowedValues ? JSON.stringify(f.allowedValues) : null,
      incident_field: incidentField,
      default_value: defaultValue,
      locked: locked ? 1 : 0,
      modified_at: now,
      modified_by: actor.label,
    });
  }
  return { rows, problems };
}
