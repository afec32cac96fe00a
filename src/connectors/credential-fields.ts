import { z } from 'zod';

/**
 * Field rules shared by the systems' credential schemas (and the integration forms built on them):
 * each message names the field by the label the form shows, so a refusal points at what to fix.
 */
export const secretText = (label: string) => z.string().min(1, `${label} is required.`).max(2000, `${label} must be at most 2000 characters.`);

export const plainText = (label: string) => z.string().trim().min(1, `${label} is required.`).max(254, `${label} must be at most 254 characters.`);

export const emailText = (label: string) =>
  z
    .string()
    .trim()
    .max(254, `${label} must be at most 254 characters.`)
    .pipe(z.email({ message: `Enter a valid ${label.toLowerCase()}, such as jane@example.com.` }));
