import { z } from 'zod';
import { CATEGORIES, LEVELS, maxLevel, type Category } from '../../platform/permissions.js';
import { nameText } from '../../platform/http/input.js';

export const levelSchema = z.enum(LEVELS);

// partialRecord: zod 4's record with enum keys demands every category, but a role may name only
// the categories it grants (the rest are None, see RolesService.complete).
export const permissionsInput = z.partialRecord(z.enum(CATEGORIES), levelSchema).superRefine((perms, ctx) => {
  for (const [category, level] of Object.entries(perms)) {
    if (level === 'delete' && maxLevel(category as Category) !== 'delete') {
      ctx.addIssue({ code: 'custom', path: [category], message: `Delete is only available for Incidents, not ${category}.` });
    }
  }
});

export const roleName = nameText().trim().min(1, 'Role name is required.').max(100, 'Role name must be at most 100 characters.');

export const createRoleBody = z.strictObject({ name: roleName, permissions: permissionsInput });
export const updateRoleBody = z.strictObject({ name: roleName.optional(), permissions: permissionsInput.optional() });

export const roleView = z.object({
  id: z.number(),
  name: z.string(),
  builtin: z.boolean(),
  permissions: z.record(z.string(), levelSchema),
  editAccess: z.array(z.string()),
  viewOnlyAccess: z.array(z.string()),
  adminCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RoleView = z.infer<typeof roleView>;
