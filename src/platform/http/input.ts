import { z } from 'zod';

/**
 * The shared pieces of every request schema: text and integers as the database can hold them.
 *
 * Text: control characters are refused, naming the field (never stripped: a DLP engine or an admin
 * who sent one learns it, and what we store is what they sent). PostgreSQL cannot store NUL in
 * text at all, and the other C0/C1 controls and DEL only hide content from the person reading it.
 * Tab, line feed and carriage return are ordinary text. Half a surrogate pair (invalid UTF-16,
 * which the drivers would store as U+FFFD) is refused the same way. Names (what lists, menus and audit entries
 * show) also refuse the bidi overrides and isolates that make a name read backwards
 * (`gpj.\u202Eexe` shows as `exe.jpg`).
 *
 * Integers: ids and counts are INTEGER columns on PostgreSQL, so anything past 2^31 − 1 is a 400
 * here instead of an "out of range" error from the database.
 */

export const INT32_MAX = 2_147_483_647;

// C0 controls except \t \n \r, DEL, and C1 controls.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Half of a surrogate pair: not a character, and stored as U+FFFD by both databases' drivers.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// LRE RLE PDF LRO RLO, LRI RLI FSI PDI.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

export const CONTROL_MESSAGE = 'Remove the control characters (such as NUL) and broken characters; only tabs and line breaks are allowed in text.';
const BIDI_MESSAGE = 'Remove the control characters; a name cannot contain NUL, line breaks or direction overrides.';

/** True when `s` holds a character that the text rule refuses. */
export function hasControlChars(s: string): boolean {
  return CONTROL.test(s) || LONE_SURROGATE.test(s);
}

/** True when `s` holds a character that the name rule refuses (the text rule, line breaks and tabs, bidi controls). */
export function hasNameControlChars(s: string): boolean {
  return hasControlChars(s) || /[\t\n\r]/.test(s) || BIDI_CONTROL.test(s);
}

/** Free text (notes, searches, filters, bodies): a string without control characters other than tab and line breaks. */
export function text(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine((s) => !hasControlChars(s), { message: CONTROL_MESSAGE, abort: true });
}

/** A name shown to people (roles, labels, keys, admins): one line, no control or direction-override characters. */
export function nameText(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine((s) => !hasNameControlChars(s), { message: BIDI_MESSAGE, abort: true });
}

/** An id (or other positive integer) in a JSON body, as an INTEGER column holds it. */
export function bodyId() {
  return z.number().int().positive().max(INT32_MAX);
}

/** An id (or other positive integer) in a URL or query string, as an INTEGER column holds it. */
export function queryId() {
  return z.coerce.number().int().positive().max(INT32_MAX);
}

/** A non-negative integer in a query string (e.g. an admin filter where 0 means "unassigned"). */
export function queryCount() {
  return z.coerce.number().int().min(0).max(INT32_MAX);
}
