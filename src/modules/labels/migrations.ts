import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** Setup > Labels: a label has a name and optional values; labels double as resolution labels. */
export interface LabelsTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  name_lower: string;
  created_at: string;
  updated_at: string;
}
export interface LabelValuesTable {
  id: Generated<number>;
  org_id: number;
  label_id: number;
  value: string;
  value_lower: string;
  position: number;
}
export interface LabelsTables {
  labels: LabelsTable;
  label_values: LabelValuesTable;
}

export async function labelsInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('labels'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('labels_org_name_unique', ['org_id', 'name_lower'])
    .execute();
  await withId(db.schema.createTable('label_values'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('label_id', 'integer', (c) => c.notNull().references('labels.id').onDelete('cascade'))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('value_lower', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('label_values_unique', ['label_id', 'value_lower'])
    .execute();
}
