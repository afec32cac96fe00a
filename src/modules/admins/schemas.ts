import { z } from 'zod';
import { pageQuery, paged } from '../../platform/http/pagination.js';
import { bodyId, nameText, text } from '../../platform/http/input.js';

export const email = text()
  .trim()
  .max(254, 'Email must be at most 254 characters.')
  .pipe(z.email({ message: 'Enter a valid email address, such as jane@example.com.' }));

const password = text().min(12, 'Password must be at least 12 characters.').max(256, 'Password must be at most 256 characters.');
const name = nameText().trim().min(1, 'Name is required.').max(200, 'Name must be at most 200 characters.');

export const createAdminBody = z.strictObject({ email, name, roleId: bodyId(), password });
export const updateAdminBody = z.strictObject({
  name: name.optional(),
  roleId: bodyId().optional(),
  status: z.enum(['active', 'disabled']).optional(),
  password: password.optional(),
  /** Required when admins change their own password: a session left open must not be enough. */
  currentPassword: text().max(256).optional(),
});

export const listAdminsQuery = z.strictObject({
  ...pageQuery,
  search: text().trim().max(200).optional(),
  sort: z.enum(['name', 'email', 'createdAt', 'lastLoginAt']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
});

export const adminView = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  roleId: z.number(),
  roleName: z.string(),
  status: z.enum(['active', 'disabled']),
  locked: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type AdminView = z.infer<typeof adminView>;
export const adminPage = paged(adminView);
