import { Liquid } from 'liquidjs';
import { FAMILY_LABELS, INCIDENT_VARIABLES, ROW_VARIABLES, TOP_VARIABLES, type TemplateFamily } from './vocabulary.js';

/**
 * The template language: Liquid (liquidjs) locked down so a template is data, never code.
 *
 * - No file system: `templates: {}` makes every lookup in-memory and empty, and the tags that load
 *   other templates (`include`, `render`, `layout`) are removed so using one is a parse error.
 * - No host objects: `ownPropertyOnly` and `strictVariables` (`{{ constructor }}`,
 *   `incident.__proto__` are undefined variables), `strictFilters` (an unknown filter is an error),
 *   and the `raw` filter is removed so nothing bypasses the output escaping.
 * - Bounded: `parseLimit` (template size), `renderLimit` (milliseconds of rendering),
 *   `memoryLimit` (characters and array items allocated: loops over huge ranges, `append` in a
 *   loop) and a cap on the output we keep.
 */

export const LIMITS = {
  /** Characters of template source parsed at once. */
  parse: 200_000,
  /** Milliseconds a single render may take. */
  renderMs: 1_000,
  /** Characters and items a render may allocate. */
  memory: 2_000_000,
  /** Characters of output kept from one render. */
  output: 500_000,
} as const;

/** A template the engine refused: the message names the cause (unknown variable, filter, tag, limit). */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const REMOVED_TAGS = ['include', 'render', 'layout', 'block'];

function lockedDown(outputEscape?: 'escape' | ((value: unknown) => string)): Liquid {
  const liquid = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    templates: {},
    relativeReference: false,
    parseLimit: LIMITS.parse,
    renderLimit: LIMITS.renderMs,
    memoryLimit: LIMITS.memory,
    cache: false,
    ...(outputEscape ? { outputEscape } : {}),
  });
  const tags = liquid.tags as Record<string, unknown>;
  for (const t of REMOVED_TAGS) delete tags[t];
  liquid.unregisterFilter('raw');
  return liquid;
}

/** Slack mrkdwn reserves these three characters; everything else is literal. */
export function escapeSlack(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** One engine per output format: the escaping of `{{ … }}` is the format's. */
export const ENGINES = {
  html: lockedDown('escape'),
  slack: lockedDown((v: unknown) => escapeSlack(v)),
  /** Plain text and Teams card text, which becomes a JSON string value (JSON.stringify escapes it). */
  plain: lockedDown(),
} as const;
export type EngineKind = keyof typeof ENGINES;

function friendly(e: unknown): TemplateError {
  const raw = e instanceof Error ? e.message : String(e);
  const undefinedVariable = /undefined variable: ([^,]+)/.exec(raw);
  if (undefinedVariable) return new TemplateError(`Unknown variable "${undefinedVariable[1]}". Use one of the variables listed in the Variables panel.`);
  const undefinedFilter = /undefined filter: ([^,]+)/.exec(raw);
  if (undefinedFilter) return new TemplateError(`Unknown filter "${undefinedFilter[1]}". Only the standard Liquid filters are available (not raw).`);
  const tag = /tag "?([\w-]+)"? not found/.exec(raw);
  if (tag) return new TemplateError(`The "${tag[1]}" tag is not available in notification templates.`);
  if (/memory alloc limit exceeded/.test(raw)) return new TemplateError('The template produces too much output (memory limit). Reduce loops or repeated text.');
  if (/template render limit exceeded/.test(raw)) return new TemplateError('The template takes too long to render (time limit). Reduce loops.');
  if (/parse length limit exceeded/.test(raw)) return new TemplateError('The template is too long.');
  return new TemplateError(`The template cannot be read: ${raw}`);
}

/** Renders `source` with `context`; every failure becomes a TemplateError naming its cause. */
export async function renderLiquid(kind: EngineKind, source: string, context: Record<string, unknown>): Promise<string> {
  let out: string;
  try {
    out = String(await ENGINES[kind].parseAndRender(source, context));
  } catch (e) {
    throw friendly(e);
  }
  if (out.length > LIMITS.output) throw new TemplateError(`The rendered message is longer than ${LIMITS.output} characters. Shorten the template.`);
  return out;
}

const TOP: Set<string> = new Set(TOP_VARIABLES.map((v) => v.name));
const INCIDENT: Set<string> = new Set(INCIDENT_VARIABLES.map((v) => v.name));

/**
 * Static check of every global variable the template reads, in every branch (a render only
 * evaluates the branches taken). Locals (`assign`, `for`) are checked by the strict render of
 * the sample context. Throws a TemplateError naming the first unknown variable.
 */
export function checkVariables(source: string, family: TemplateFamily): void {
  let segments: (string | number | unknown)[][];
  try {
    segments = ENGINES.plain.globalVariableSegmentsSync(source) as unknown[][];
  } catch (e) {
    throw friendly(e);
  }
  for (const seg of segments) {
    const path = seg.map(String).join('.');
    const [root, attr] = seg;
    if (typeof root !== 'string' || !TOP.has(root))
      throw new TemplateError(`Unknown variable "${path}". Use one of the variables listed in the Variables panel.`);
    if (root === 'incident' && attr !== undefined && (typeof attr !== 'string' || !INCIDENT.has(attr))) {
      throw new TemplateError(`Unknown variable "${path}". The incident has no attribute "${String(attr)}".`);
    }
    const known = TOP_VARIABLES.find((v) => v.name === root)!;
    if (known.families !== 'all' && !known.families.includes(family)) {
      throw new TemplateError(`The variable "${path}" is not available in ${FAMILY_LABELS[family]} templates.`);
    }
    if (root === 'rows' && attr !== undefined && typeof attr === 'string' && !['size', 'first', 'last'].includes(attr)) {
      throw new TemplateError(`Unknown variable "${path}". Loop over rows ({% for row in rows %}) to read their attributes.`);
    }
  }
}

/**
 * The context a template sees: every known variable present (null when the caller has no value),
 * so a template that passed validation never fails on a missing value at send time.
 */
export function templateContext(incident: Record<string, unknown> | null | undefined, vars: Record<string, unknown>): Record<string, unknown> {
  const ctx: Record<string, unknown> = {};
  for (const v of TOP_VARIABLES) ctx[v.name] = v.name === 'rows' ? [] : null;
  for (const [k, v] of Object.entries(vars)) if (TOP.has(k) && k !== 'incident') ctx[k] = v;
  if (incident) {
    const inc: Record<string, unknown> = {};
    for (const v of INCIDENT_VARIABLES) inc[v.name] = incident[v.name] ?? null;
    ctx.incident = inc;
  }
  const rows = Array.isArray(ctx.rows) ? (ctx.rows as unknown[]) : [];
  ctx.rows = rows.map((r) => {
    const src = r && typeof r === 'object' ? (r as Record<string, unknown>) : {};
    const row: Record<string, unknown> = {};
    for (const v of ROW_VARIABLES) row[v.name] = src[v.name] ?? null;
    return row;
  });
  return ctx;
}
