import { type Generated, type Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** Setup > Incident Groups; `priority` is what Setup > Priorities sets (a rank, null: none). */
export interface IncidentGroupsTable {
  id: Generated<number>;
  org_id: number;
  type: string;
  name: string;
  /** Lower-cased name: the unique index makes names unique per org regardless of case, on both databases. */
  name_lower: string;
  description: string | null;
  /** 0 Low … 3 Critical (the incidents' priority ranks); null when Setup > Priorities has no row for it. */
  priority: number | null;
  created_at: string;
  updated_at: string;
}

/** Ordered statements; every statement that matches adds its groups to the incident. */
export interface IncidentGroupMappingsTable {
  id: Generated<number>;
  org_id: number;
  position: number;
  source_dlp_type: string;
  /** JSON condition tree (workflows/conditions.ts) or null: every incident of the source type. */
  condition: string | null;
  created_at: string;
  updated_at: string;
}

/** The groups a statement assigns (a foreign key, so a group in use cannot vanish from under a statement). */
export interface IncidentGroupMappingTargetsTable {
  org_id: number;
  mapping_id: number;
  group_id: number;
}

/** Per org: the default incident group for incidents no statement matches. */
export interface IncidentGroupSettingsTable {
  org_id: number;
  default_group_id: number | null;
  updated_at: string;
}

/** Which groups an incident is in (assigned at ingestion). */
export interface IncidentGroupMembersTable {
  org_id: number;
  incident_id: number;
  group_id: number;
}

export interface IncidentGroupsTables {
  incident_groups: IncidentGroupsTable;
  incident_group_mappings: IncidentGroupMappingsTable;
  incident_group_mapping_targets: IncidentGroupMappingTargetsTable;
  incident_group_settings: IncidentGroupSettingsTable;
  incident_group_members: IncidentGroupMembersTable;
}

/** What the incidents module reads by join (the list's Incident Groups column and filter). */
export type IncidentGroupMembershipTables = Pick<IncidentGroupsTables, 'incident_groups' | 'incident_group_members'>;

export async function incidentGroupsInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('incident_groups'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('priority', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('incident_groups_org_name_unique', ['org_id', 'name_lower'])
    .execute();

  await withId(db.schema.createTable('incident_group_mappings'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('source_dlp_type', 'text', (c) => c.notNull())
    .addColumn('condition', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_group_mappings_org_idx').on('incident_group_mappings').columns(['org_id', 'position']).execute();

  await db.schema
    .createTable('incident_group_mapping_targets')
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('mapping_id', 'integer', (c) => c.notNull().references('incident_group_mappings.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('incident_groups.id'))
    .addPrimaryKeyConstraint('incident_group_mapping_targets_pk', ['mapping_id', 'group_id'])
    .execute();
  await db.schema.createIndex('incident_group_mapping_targets_group_idx').on('incident_group_mapping_targets').columns(['group_id']).execute();

  await db.schema
    .createTable('incident_group_settings')
    .addColumn('org_id', 'integer', (c) => c.primaryKey().references('orgs.id').onDelete('cascade'))
    .addColumn('default_group_id', 'integer', (c) => c.references('incident_groups.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('incident_group_members')
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('incident_groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('incident_group_members_pk', ['incident_id', 'group_id'])
    .execute();
  // The Incident Group filter: one set of member ids per chosen group.
  await db.schema.createIndex('incident_group_members_group_idx').on('incident_group_members').columns(['org_id', 'group_id', 'incident_id']).execute();
}
