import { z } from 'zod';
import { nameText } from '../../platform/http/input.js';

export const labelName = nameText().trim().min(1, 'Label name is required.').max(100, 'Label name must be at most 100 characters.');
export const labelValue = nameText().trim().min(1, 'A label value cannot be empty.').max(100, 'A label value must be at most 100 characters.');
const labelValues = z
  .array(labelValue)
  .max(200, 'A label can have at most 200 values.')
  .superRefine((vals, ctx) => {
    const seen = new Set<string>();
    vals.forEach((v, i) => {
      const k = v.toLowerCase();
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `Value "${v}" is listed twice.` });
      seen.add(k);
    });
  });

/** POST /api/v1/labels */
export const createLabelBody = z.strictObject({ name: labelName, values: labelValues.default([]) });
/** PATCH /api/v1/labels/:id — `values` replaces the whole list (add, rename and delete values in one go). */
export const updateLabelBody = z.strictObject({ name: labelName.optional(), values: labelValues.optional() });

export const labelView = z.object({
  id: z.number(),
  name: z.string(),
  values: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const labelList = z.object({ items: z.array(labelView) });

export type CreateLabelBody = z.infer<typeof createLabelBody>;
export type UpdateLabelBody = z.infer<typeof updateLabelBody>;
export type LabelView = z.infer<typeof labelView>;
