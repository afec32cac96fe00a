import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/platform/csv.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { auditEntries, drainJobs, tableCounts } from './helpers.js';

const t: TestApp = await createTestApp();
afterAll(() => t.close());

let s: Session;
beforeAll(async () => {
  s = await t.login(t.admin.email);
});

const HEADER = 'email,name,manager email,department,employee id';
const FILE = [
  HEADER,
  'jane@corp.example,Jane Doe,mark@corp.example,Finance,E-1',
  'MARK@corp.example,Mark Boss,,Finance,E-2',
  'not-an-email,Nobody,,,',
  'jane@CORP.example,Jane Again,,,',
  'self@corp.example,Self,self@corp.example,,',
  'eve@corp.example,"=HYPERLINK(""http://x"")",,Sales,E-3',
  ',Empty Email,,,',
].join('\n');

async function importFile(csv: string, fileName = 'people.csv') {
  const res = await s.post('/api/v1/user-attributes/imports', { csv, fileName });
  expect(res.statusCode, res.body).toBe(202);
  await drainJobs(t);
  const done = await s.get(`/api/v1/user-attributes/imports/${res.json().id}`);
  expect(done.statusCode).toBe(200);
  return done.json();
}

describe('User Attributes', () => {
  it('offers a template whose header the import accepts', async () => {
    const res = await s.get('/api/v1/user-attributes/template.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(parseCsv(res.body)[0].fields).toEqual(['email', 'name', 'manager email', 'department', 'employee id']);
    const v = await s.post('/api/v1/user-attributes/imports/validate', { csv: res.body });
    expect(v.json()).toMatchObject({ total: 1, valid: 1, errors: [] });
  });

  it('validates a file row by row without storing anything', async () => {
    const counts = await tableCounts(t, t.orgId);
    const res = await s.post('/api/v1/user-attributes/imports/validate', { csv: FILE });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.total).toBe(7);
    expect(body.valid).toBe(2 + 1); // jane, mark, eve
    expect(body.errors.map((e: { line: number }) => e.line)).toEqual([4, 5, 6, 8]);
    expect(body.errors.find((e: { line: number }) => e.line === 4).message).toMatch(/email: Enter a valid email/);
    expect(body.errors.find((e: { line: number }) => e.line === 5).message).toMatch(/also on line 2/);
    expect(body.errors.find((e: { line: number }) => e.line === 6).message).toMatch(/own manager/);
    expect(body.errors.find((e: { line: number }) => e.line === 8).message).toMatch(/email is empty/);
    expect(await tableCounts(t, t.orgId)).toEqual(counts);
  });

  it.each([
    ['no email column', 'name,department\nJane,Finance', /header "email,name,manager email,department,employee id"/],
    ['only a header', HEADER, /no people/],
    ['broken quoting', `${HEADER}\n"jane@corp.example,x`, /not valid CSV/],
    ['a control character', `${HEADER}\njane@corp.example,J\u0000`, /control/i],
  ])('refuses a file with %s (400, nothing stored)', async (_n, csv, message) => {
    const counts = await tableCounts(t, t.orgId);
    for (const url of ['/api/v1/user-attributes/imports/validate', '/api/v1/user-attributes/imports']) {
      const res = await s.post(url, { csv });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    expect(await tableCounts(t, t.orgId)).toEqual(counts);
  });

  it('imports as a job: good rows upserted by email, bad rows reported and downloadable as formula-safe CSV', async () => {
    const done = await importFile(FILE);
    expect(done).toMatchObject({ status: 'done', total: 7, processed: 7, counts: { added: 3, updated: 0, unchanged: 0, error: 4 }, fileName: 'people.csv' });
    expect(await t.ctx.accountSettings.userAttributes(t.orgId, 'Jane@Corp.Example')).toEqual({
      email: 'jane@corp.example',
      name: 'Jane Doe',
      managerEmail: 'mark@corp.example',
      department: 'Finance',
      employeeId: 'E-1',
    });
    expect(await t.ctx.accountSettings.userAttributes(t.orgId, 'nobody@corp.example')).toBeNull();

    const errors = await s.get(`/api/v1/user-attributes/imports/${done.id}/errors.csv`);
    expect(errors.statusCode).toBe(200);
    const rows = parseCsv(errors.body);
    expect(rows[0].fields).toEqual(['line', 'email', 'name', 'manager email', 'department', 'employee id', 'error']);
    expect(rows.slice(1).map((r) => r.fields[0])).toEqual(['4', '5', '6', '8']);

    // The formula in a name is stored as sent and shown as text in our CSVs.
    const list = (await s.get('/api/v1/user-attributes?search=eve')).json();
    expect(list.items[0].name).toBe('=HYPERLINK("http://x")');

    const audit = await auditEntries(t, t.orgId, 'User Attributes');
    expect(audit.at(-1)).toMatchObject({ action: 'Insert', notes: 'Imported people.csv (7 people)' });
  });

  it('re-importing the same file changes nothing; a changed file updates in place', async () => {
    const before = (await s.get('/api/v1/user-attributes?pageSize=100')).json();
    const again = await importFile(FILE, 'people-again.csv');
    expect(again.counts).toEqual({ added: 0, updated: 0, unchanged: 3, error: 4 });
    expect((await s.get('/api/v1/user-attributes?pageSize=100')).json()).toEqual(before);

    const changed = await importFile(`${HEADER}\nJANE@corp.example,Jane Doe,,Legal,E-1\nnew@corp.example,New Person,jane@corp.example,Legal,`);
    expect(changed.counts).toEqual({ added: 1, updated: 1, unchanged: 0, error: 0 });
    expect(await t.ctx.accountSettings.userAttributes(t.orgId, 'jane@corp.example')).toEqual({
      email: 'JANE@corp.example',
      name: 'Jane Doe',
      managerEmail: null,
      department: 'Legal',
      employeeId: 'E-1',
    });
    expect((await s.get('/api/v1/user-attributes?pageSize=100')).json().total).toBe(4);
  });

  it('enforces Employee ID as a unique attribute when Account Settings says so', async () => {
    const settings = (await s.get('/api/v1/account-settings')).json();
    const { updatedAt: _u, updatedBy: _b, choices: _c, ...body } = settings;
    expect((await s.put('/api/v1/account-settings', { ...body, uniqueAttributes: ['email', 'employeeId'] })).statusCode).toBe(200);
    const csv = `${HEADER}\nzoe@corp.example,Zoe,,,E-2\nyan@corp.example,Yan,,,E-9\nxia@corp.example,Xia,,,E-9`;
    const v = (await s.post('/api/v1/user-attributes/imports/validate', { csv })).json();
    expect(v.errors.map((e: { line: number; message: string }) => [e.line, e.message])).toEqual([
      [2, 'employee id: E-2 already belongs to MARK@corp.example; Employee ID is a unique attribute.'],
      [4, 'employee id: E-9 is also on line 3; Employee ID is a unique attribute.'],
    ]);
    const done = await importFile(csv);
    expect(done.counts).toEqual({ added: 1, updated: 0, unchanged: 0, error: 2 });
  });

  it('lists imported files newest first and searches attributes', async () => {
    const files = (await s.get('/api/v1/user-attributes/imports?pageSize=2')).json();
    expect(files.total).toBe(4);
    expect(files.items).toHaveLength(2);
    expect(files.items[0].id).toBeGreaterThan(files.items[1].id);
    expect(files.items[0].finishedAt).not.toBeNull();
    const legal = (await s.get('/api/v1/user-attributes?search=LEGAL')).json();
    expect(legal.items.map((i: { email: string }) => i.email).sort()).toEqual(['JANE@corp.example', 'new@corp.example']);
    expect((await s.get('/api/v1/user-attributes?search=_')).json().total).toBe(0);
  });

  it('keeps orgs apart and needs Account Settings permissions', async () => {
    const other = await t.newOrg();
    const mine = (await s.get('/api/v1/user-attributes/imports')).json().items[0];
    expect((await other.session.get(`/api/v1/user-attributes/imports/${mine.id}`)).statusCode).toBe(404);
    expect((await other.session.get(`/api/v1/user-attributes/imports/${mine.id}/errors.csv`)).statusCode).toBe(404);
    expect((await other.session.get('/api/v1/user-attributes')).json().total).toBe(0);
    expect(await t.ctx.accountSettings.userAttributes(other.orgId, 'jane@corp.example')).toBeNull();
    // The same person may be imported by another org independently.
    const res = await other.session.post('/api/v1/user-attributes/imports', { csv: `${HEADER}\njane@corp.example,Other Jane,,,` });
    expect(res.statusCode).toBe(202);
    await drainJobs(t);
    expect((await t.ctx.accountSettings.userAttributes(other.orgId, 'jane@corp.example'))?.name).toBe('Other Jane');
    expect((await t.ctx.accountSettings.userAttributes(t.orgId, 'jane@corp.example'))?.name).toBe('Jane Doe');

    const viewer = await t.sessionWith({ 'Account Settings': 'view' });
    expect((await viewer.get('/api/v1/user-attributes')).statusCode).toBe(200);
    expect((await viewer.post('/api/v1/user-attributes/imports', { csv: FILE })).statusCode).toBe(403);
    expect((await viewer.post('/api/v1/user-attributes/imports/validate', { csv: FILE })).statusCode).toBe(403);
  });

  it('a retried import job applies each row once', async () => {
    const res = await s.post('/api/v1/user-attributes/imports', { csv: `${HEADER}\nretry1@corp.example,R1,,,\nretry2@corp.example,R2,,,` });
    const id = res.json().id as number;
    // Run the job's work twice, as a worker whose lease expired mid-run would.
    await t.ctx.accountSettings.attributes.runImport(id, t.orgId);
    await t.ctx.db.updateTable('user_attribute_imports').set({ status: 'running', finished_at: null }).where('id', '=', id).execute();
    await t.ctx.accountSettings.attributes.runImport(id, t.orgId);
    await drainJobs(t);
    const done = (await s.get(`/api/v1/user-attributes/imports/${id}`)).json();
    expect(done).toMatchObject({ status: 'done', processed: 2, counts: { added: 2, updated: 0, unchanged: 0, error: 0 } });
  });
});
