import { z } from 'zod';

/**
 * Field rules shared by the systems' credential schemas (and the integration forms built on them):
 * each message names the field by the label the form shows, so a refusal points at what to fix.
 */
// The app's text rule (src/platform/http/input.ts), restated because connectors import nothing of
// the app: no control characters (a NUL cannot be stored in PostgreSQL text or sent in a header).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const noControl = (label: string) => z.string().refine((v) => !CONTROL.test(v), { message: `${label} cannot contain control characters.`, abort: true });

export const secretText = (label: string) => noControl(label).min(1, `${label} is required.`).max(2000, `${label} must be at most 2000 characters.`);

export const plainText = (label: string) => noControl(label).trim().min(1, `${label} is required.`).max(254, `${label} must be at most 254 characters.`);

export const emailText = (label: string) =>
  noControl(label)
    .trim()
    .max(254, `${label} must be at most 254 characters.`)
    .pipe(z.email({ message: `Enter a valid ${label.toLowerCase()}, such as jane@example.com.` }));
