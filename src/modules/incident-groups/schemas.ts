import { z } from 'zod';
import { bodyId, nameText, text } from '../../platform/http/input.js';
import { pageQuery, paged } from '../../platform/http/pagination.js';
import { PRIORITIES } from '../incidents/vocabulary.js';
import { SOURCE_DLP_TYPES } from '../workflows/attributes.js';
import { conditionSchema } from '../workflows/conditions.js';
import { bulkIds, notesBody } from '../incidents/schemas.js';

export { PRIORITIES } from '../incidents/vocabulary.js';
export { SOURCE_DLP_TYPES } from '../workflows/attributes.js';

const type = nameText().trim().min(1, 'Type is required.').max(100, 'Type must be at most 100 characters.');
const name = nameText().trim().min(1, 'Name is required.').max(200, 'Name must be at most 200 characters.');
const description = text().trim().max(2000, 'Description must be at most 2,000 characters.').nullish();

/* ------------------------------------------------------------------ groups */

export const groupBody = z.strictObject({ type, name, description });
export type GroupBody = z.infer<typeof groupBody>;

export const groupView = z.object({
  id: z.number(),
  type: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  /** Set on Setup > Priorities; null when it has no row there. */
  priority: z.enum(PRIORITIES).nullable(),
  /** Mapping statements that assign it, and whether it is the default group (delete is refused while either holds). */
  mappings: z.number(),
  isDefault: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type GroupView = z.infer<typeof groupView>;

export const GROUP_SORTS = ['type', 'name', 'description'] as const;
export const groupListQuery = z.strictObject({
  ...pageQuery,
  search: text().trim().max(200).optional(),
  type: nameText().trim().max(100).optional(),
  sort: z.enum(GROUP_SORTS).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type GroupListQuery = z.infer<typeof groupListQuery>;
export const groupPage = paged(groupView);
export type GroupPage = z.infer<typeof groupPage>;

/** Every group in one list (pickers: statements, priorities, the Incidents filter). */
export const groupChoices = z.object({ items: z.array(z.object({ id: z.number(), type: z.string(), name: z.string() })) });
export const typeList = z.object({ items: z.array(z.string()) });

/* ------------------------------------------------------------------ mappings */

export const groupMappingBody = z.strictObject({
  sourceDlpType: z.enum(SOURCE_DLP_TYPES).default('Any'),
  /** Null: every incident of the Source DLP Type. */
  condition: conditionSchema.nullable().default(null),
  groupIds: z
    .array(bodyId())
    .min(1, 'Pick at least one incident group.')
    .max(50, 'A statement assigns at most 50 incident groups.')
    .refine((ids) => new Set(ids).size === ids.length, 'Each incident group may be listed once.'),
});
export type GroupMappingBody = z.infer<typeof groupMappingBody>;

export const groupRef = z.object({ id: z.number(), name: z.string() });
export const groupMappingView = z.object({
  id: z.number(),
  position: z.number(),
  sourceDlpType: z.enum(SOURCE_DLP_TYPES),
  condition: conditionSchema.nullable(),
  groups: z.array(groupRef),
});
export type GroupMappingView = z.infer<typeof groupMappingView>;
export const groupMappingList = z.object({
  items: z.array(groupMappingView),
  /** For incidents no statement matches; null: they get no group. */
  defaultGroup: groupRef.nullable(),
});
export type GroupMappingList = z.infer<typeof groupMappingList>;
export const moveBody = z.strictObject({ direction: z.enum(['up', 'down']) });
export const defaultGroupBody = z.strictObject({ groupId: bodyId().nullable() });

/* ------------------------------------------------------------------ priorities */

export const priorityRow = z.strictObject({ groupId: bodyId(), priority: z.enum(PRIORITIES) });
/** Setup > Priorities' Save: the whole list; groups left out have no priority. */
export const prioritiesBody = z.strictObject({ items: z.array(priorityRow).max(1000) });
export type PrioritiesBody = z.infer<typeof prioritiesBody>;
export const priorityView = z.object({ groupId: z.number(), groupName: z.string(), groupType: z.string(), priority: z.enum(PRIORITIES) });
export const priorityList = z.object({
  items: z.array(priorityView),
  /** Every incident group (the Incident Group choices of "Add More"). */
  groups: z.array(z.object({ id: z.number(), type: z.string(), name: z.string() })),
});
export type PriorityList = z.infer<typeof priorityList>;

/* ------------------------------------------------------------------ Update Incident Group (an incident action) */

const incidentGroupIds = z
  .array(bodyId())
  .min(1, 'Assign at least one incident group.')
  .max(1000, 'Assign at most 1,000 incident groups.')
  .refine((ids) => new Set(ids).size === ids.length, 'Each incident group may be listed once.');
/** The incident's groups become exactly these; its priority is re-derived from them. */
export const setIncidentGroupsBody = z.strictObject({ groupIds: incidentGroupIds, notes: notesBody.shape.notes });
export type SetIncidentGroupsBody = z.infer<typeof setIncidentGroupsBody>;
export const bulkSetIncidentGroupsBody = setIncidentGroupsBody.extend({ ids: bulkIds.shape.ids });
export type BulkSetIncidentGroupsBody = z.infer<typeof bulkSetIncidentGroupsBody>;
