import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type Session, type TestApp } from '../../helpers/test-app.js';
import { incident } from '../incidents/helpers.js';
import { DUMMY_ID, tableNames } from './helpers.js';

/**
 * Schema-driven fuzzing (issue #14, "Done when"): for every operation of the OpenAPI document the
 * app serves, fast-check builds requests that follow the documented shape except for what it breaks
 * (a control character in a string, an integer past what a column holds, a wrong type, a crafted
 * cursor, an unknown field) and sends them as a signed-in super admin. Whatever the route: never a
 * 5xx, nothing in the database changed by a 4xx, and a NUL in a documented string is never accepted.
 *
 * Bounded and seeded: FUZZ_RUNS requests per operation (default 24: about 2,000 per database), FUZZ_SEED (default: a new
 * one each run). A failure prints the seed, the path to replay it and the request that failed.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 24);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
const INT32_MAX = 2_147_483_647;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: Json[];
  const?: Json;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  format?: string;
  pattern?: string;
  default?: Json;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: Schema };
type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };
type Request = { method: string; url: string; body?: Json; broke: 'nul' | 'other' | 'none' };

const t: TestApp = await createTestApp();
afterAll(() => t.close());

let s: Session;
let doc: { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
/** Ids of rows that exist, so some requests reach past the 404 into the handlers. */
const realIds: number[] = [];

beforeAll(async () => {
  s = await t.login(t.admin.email);
  doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  const role = (await s.post('/api/v1/roles', { name: 'Fuzz role', permissions: { Incidents: 'view' } })).json();
  const admin = (await s.post('/api/v1/admins', { email: 'fuzz@example.com', name: 'Fuzz', roleId: role.id, password: TEST_PASSWORD })).json();
  const label = (await s.post('/api/v1/labels', { name: 'Fuzz label', values: ['one', 'two'] })).json();
  const batch = (await s.post('/api/v1/incidents', { incidents: [incident(), incident(), incident()] })).json();
  realIds.push(role.id, admin.id, label.id, ...batch.results.map((r: { id: number }) => r.id));
  expect(realIds.every((id) => Number.isInteger(id))).toBe(true);
});

/** Row counts of every table but sessions (reads slide a session's expiry), in one round trip. */
async function fingerprint(): Promise<Record<string, number>> {
  const tables = (await tableNames(t)).filter((n) => n !== 'sessions');
  const union = sql.join(
    tables.map((n) => sql`select ${sql.lit(n)} as t, count(*) as n from ${sql.table(n)}`),
    sql` union all `,
  );
  const { rows } = await sql<{ t: string; n: number | string }>`${union}`.execute(t.ctx.db);
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

function resolve(schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let i = 0; s.$ref && i < 10; i++) s = doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')] ?? {};
  return s;
}

const typesOf = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/* ------------------------------------------------------------ values that follow the schema */

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,11}$/);

function valid(schema: Schema | undefined, depth = 0): fc.Arbitrary<Json> {
  const s = resolve(schema);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const branches = s.anyOf ?? s.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => valid(b, depth + 1)));
  if (s.allOf?.length) return valid(s.allOf[0], depth + 1);
  const types = typesOf(s).filter((x) => x !== 'null');
  const type = types[0] ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      if (depth > 6) return fc.constant({});
      const props = Object.entries(s.properties ?? {});
      const required = new Set(s.required ?? []);
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, valid(v, depth + 1)])), {
        requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
      }) as fc.Arbitrary<Json>;
    }
    case 'array': {
      const min = s.minItems ?? 0;
      return fc.array(valid(s.items, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? 3, 3)) });
    }
    case 'integer': {
      const min = s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : (s.minimum ?? 0);
      return fc.oneof(fc.constantFrom(...realIds.filter((id) => id >= min)), fc.integer({ min, max: Math.max(min, Math.min(s.maximum ?? 1000, 1000)) }));
    }
    case 'number':
      return fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1000, 1000) });
    case 'boolean':
      return fc.boolean();
    case 'string': {
      if (s.format === 'date-time')
        return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'email') return fc.constantFrom('a@example.com', 'jane@corp.example');
      if (s.format === 'ipv4') return fc.constant('10.0.0.1');
      if (s.format === 'uri') return fc.constant('https://example.com/x');
      // Mostly words; sometimes digits past an INTEGER column (a field may read digits as an id).
      const words = word.map((w) => w.slice(0, Math.max(s.maxLength ?? 12, 1)).padEnd(s.minLength ?? 1, 'x'));
      return fc.oneof({ arbitrary: words, weight: 5 }, fc.constantFrom('2147483648', '9007199254740993', '0', '-1'));
    }
    default:
      return fc.oneof(word, fc.integer(), fc.constant(null));
  }
}

/* ------------------------------------------------------------ what the fuzzer breaks */

const controlChar = fc.constantFrom('\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u007f', '\u0085');
const hugeInt = fc.constantFrom(INT32_MAX + 1, 2 ** 53, 2 ** 53 + 2, 1e300, -(INT32_MAX + 2), 0.5, -1);
const wrongType = fc.constantFrom<Json>({}, [], true, null, 'not a number', { $gt: 1 });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const craftedCursor = fc.oneof(
  fc
    .tuple(fc.constantFrom('severity', 'incidentDate', 'name', 'email'), fc.constantFrom('asc', 'desc'), fc.constantFrom<Json>('High', 3, 'a\u0000b', 2 ** 40))
    .map(([sort, order, value]) => b64([sort, order, 'n', value, 2 ** 40])),
  fc.constantFrom('garbage', '.', 'W10.AAAAAAAAAAAAAAAAAAAAAA', b64([]) + '.x'),
);

/** Breaks a string: a control character somewhere in it. */
const withControl = (base: fc.Arbitrary<Json>) =>
  fc.tuple(base, controlChar, fc.nat()).map(([v, c, at]) => {
    const str = typeof v === 'string' ? v : 'x';
    const i = at % (str.length + 1);
    return str.slice(0, i) + c + str.slice(i);
  });

/** Every leaf of a JSON value, with its path, its schema and whether the schema says it is a string. */
type Leaf = { path: (string | number)[]; schema: Schema };
function leaves(value: Json, schema: Schema | undefined, path: (string | number)[] = []): Leaf[] {
  const s = resolve(schema);
  const branch = (s.anyOf ?? s.oneOf)?.find((b) => {
    const r = resolve(b);
    return Array.isArray(value) ? typesOf(r).includes('array') : value !== null && typeof value === 'object' ? !!r.properties : true;
  });
  if (branch && !s.properties && !s.items) return leaves(value, branch, path);
  if (Array.isArray(value)) return [{ path, schema: s }, ...value.flatMap((v, i) => leaves(v, s.items, [...path, i]))];
  if (value !== null && typeof value === 'object')
    return [{ path, schema: s }, ...Object.entries(value).flatMap(([k, v]) => leaves(v, s.properties?.[k], [...path, k]))];
  return [{ path, schema: s }];
}

function setAt(value: Json, path: (string | number)[], to: Json): Json {
  if (!path.length) return to;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setAt(v, rest, to) : v));
  if (value !== null && typeof value === 'object') return { ...value, [head]: setAt((value as Record<string, Json>)[head as string] ?? null, rest, to) };
  return value;
}

const isStringSchema = (s: Schema) => typesOf(s).includes('string') || (!!s.enum && s.enum.every((e) => typeof e === 'string'));

/** A body that follows the schema but for one leaf (or the whole body) that is broken. */
function brokenBody(schema: Schema): fc.Arbitrary<{ body: Json; broke: Request['broke'] }> {
  return fc.tuple(valid(schema), fc.nat(), fc.nat(5), controlChar, hugeInt, wrongType).map(([body, pick, how, c, big, wrong]) => {
    const all = leaves(body, schema);
    const leaf = all[pick % all.length];
    const current = leaf.path.reduce<Json>((v, k) => (v as Record<string | number, Json>)?.[k] ?? null, body);
    if (how <= 2 && typeof current === 'string' && isStringSchema(leaf.schema)) {
      return { body: setAt(body, leaf.path, current.slice(0, 1) + c + current.slice(1)), broke: 'nul' as const };
    }
    if (how <= 3 && typeof current === 'number') return { body: setAt(body, leaf.path, big), broke: 'other' as const };
    if (how === 4 && current !== null && typeof current === 'object' && !Array.isArray(current))
      return { body: setAt(body, leaf.path, { ...current, surpriseField: 1 }), broke: 'other' as const };
    return { body: setAt(body, leaf.path, wrong), broke: 'other' as const };
  });
}

/** A query or path parameter: usually a fitting value, sometimes a broken one. */
function paramValue(p: Parameter): fc.Arbitrary<{ value: Json | undefined; broke: Request['broke'] }> {
  const s = resolve(p.schema);
  const fitting = valid(s).map((value) => ({ value, broke: 'none' as const }));
  // Free text must refuse a control character; an enum or a number in a URL may tolerate the ones
  // JavaScript counts as whitespace around it (they never reach the database as text).
  const item = typesOf(s).includes('array') ? resolve(s.items) : s;
  const freeText = typesOf(item).includes('string') && !item.enum && !item.format;
  const nul = withControl(valid(s)).map((value) => ({ value: value as Json | undefined, broke: freeText ? ('nul' as const) : ('other' as const) }));
  const other = fc
    .oneof(
      hugeInt.map(String),
      fc.constantFrom('', 'abc', '1e400', '%', '0x10', ' 1', '[object Object]', 'x'.repeat(5000), '\u202Eevil'),
      p.name === 'cursor' ? craftedCursor : fc.constant('1.5'),
    )
    .map((value) => ({ value: value as Json | undefined, broke: 'other' as const }));
  const omitted = fc.constant({ value: undefined, broke: 'none' as const });
  return p.in === 'path' ? fc.oneof(fitting, nul, other) : fc.oneof({ arbitrary: omitted, weight: 3 }, { arbitrary: fitting, weight: 2 }, nul, other);
}

function requestFor(method: string, path: string, op: Operation): fc.Arbitrary<Request> {
  const params = (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query');
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  return fc
    .tuple(
      fc.tuple(...params.map(paramValue)),
      bodySchema ? brokenBody(resolve(bodySchema)) : fc.constant(undefined),
      fc.boolean(), // an unknown query parameter too
    )
    .map(([values, body, extraParam]) => {
      let url = path;
      const query = new URLSearchParams();
      params.forEach((p, i) => {
        const v = values[i].value;
        if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(v ?? DUMMY_ID)));
        else if (v !== undefined) for (const one of Array.isArray(v) ? v : [v]) query.append(p.name, typeof one === 'string' ? one : JSON.stringify(one));
      });
      if (extraParam && !body) query.append('surpriseParam', '1');
      const qs = query.toString();
      const broke = [...values.map((v) => v.broke), body?.broke ?? 'none'];
      return {
        method: method.toUpperCase(),
        url: qs ? `${url}?${qs}` : url,
        body: body?.body,
        broke: broke.includes('nul') ? 'nul' : broke.includes('other') || (extraParam && !body) ? 'other' : 'none',
      };
    });
}

/** How many incidents the test org holds. */
async function incidentCount(): Promise<number> {
  const row = await t.ctx.db
    .selectFrom('incidents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', t.orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Operations the fuzzer leaves alone: signing out would end the session the rest of the run uses. */
const SKIP = new Set(['post /api/v1/auth/logout']);

describe(`schema-driven fuzzing (seed ${SEED}, ${RUNS} requests per operation; replay with FUZZ_SEED=${SEED})`, () => {
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([method, op]) => ({ method, path, op })),
    );

  it('covers every API route of the document', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(50);
    expect(ops.some((o) => o.path.includes('/incidents'))).toBe(true);
  });

  it('a batch with one incident broken anywhere stores the others and rejects that one in its own result', async () => {
    const body = doc.paths['/api/v1/incidents'].post.requestBody?.content?.['application/json']?.schema;
    const one = resolve(body).anyOf?.[0] ?? resolve(body).oneOf?.[0];
    expect(one?.properties?.transactionId).toBeTruthy();
    await fc.assert(
      fc.asyncProperty(fc.nat(4), fc.nat(), controlChar, async (bad, pick, c) => {
        const items = Array.from({ length: 5 }, () => incident() as unknown as Json);
        const stringLeaves = leaves(items[bad], one).filter((l) => {
          const v = l.path.reduce<Json>((x, k) => (x as Record<string | number, Json>)?.[k] ?? null, items[bad]);
          return typeof v === 'string' && isStringSchema(l.schema);
        });
        const leaf = stringLeaves[pick % stringLeaves.length];
        const current = leaf.path.reduce<Json>((x, k) => (x as Record<string | number, Json>)[k], items[bad]) as string;
        items[bad] = setAt(items[bad], leaf.path, current.slice(0, 1) + c + current.slice(1));
        const before = await incidentCount();
        const res = await s.post('/api/v1/incidents', { incidents: items });
        const what = `${leaf.path.join('.')} of item ${bad} with U+${c.charCodeAt(0).toString(16).padStart(4, '0')} → ${res.statusCode} ${res.body.slice(0, 500)}`;
        expect(res.statusCode, what).toBe(207);
        expect(res.json(), what).toMatchObject({ created: 4, rejected: 1 });
        expect(res.json().results[bad].result, what).toBe('rejected');
        expect(await incidentCount(), what).toBe(before + 4);
      }),
      { seed: SEED, numRuns: Math.max(10, RUNS), endOnFailure: true },
    );
  });

  it('no 5xx on any route, no change from a refusal, and no NUL accepted', async () => {
    const ops = operations().filter((o) => !SKIP.has(`${o.method} ${o.path}`));
    let n = 0;
    const statuses: Record<number, number> = {};
    for (const [i, { method, path, op }] of ops.entries()) {
      await fc.assert(
        fc.asyncProperty(requestFor(method, path, op), async (req) => {
          n++;
          const before = await fingerprint();
          const res = await t.app.inject({
            method: req.method as 'GET',
            url: req.url,
            headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(req.body !== undefined ? { payload: JSON.stringify(req.body) } : {}),
          });
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          const what = `${req.method} ${req.url} ${req.body === undefined ? '' : JSON.stringify(req.body).slice(0, 2000)} → ${res.statusCode} ${res.body.slice(0, 500)}`;
          expect(res.statusCode, what).toBeLessThan(500);
          if (res.statusCode >= 400) expect(await fingerprint(), `a refusal changed the database: ${what}`).toEqual(before);
          // A batch answers 207 when it stores its good items: the broken one must be among the rejected.
          const refused = res.statusCode >= 400 || (res.statusCode === 207 && res.json().rejected > 0);
          if (req.broke === 'nul') expect(refused, `a control character was accepted: ${what}`).toBe(true);
        }),
        { seed: SEED + i, numRuns: RUNS, endOnFailure: true },
      );
    }
    expect(n).toBe(ops.length * RUNS);
    if (process.env.FUZZ_VERBOSE) console.log(ops.length, 'operations', statuses);
    // The session lasted the whole run (so the requests were judged past the guard)...
    expect((await s.get('/api/v1/roles')).statusCode).toBe(200);
    // ...and reached the handlers too (some were accepted), not only the validators.
    expect(Object.keys(statuses).some((code) => Number(code) < 300)).toBe(true);
  }, 600_000);
});
