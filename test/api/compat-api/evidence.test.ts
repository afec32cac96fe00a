import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import * as wire from '../../../src/modules/compat-api/schemas.js';
import { EVIDENCE_LINK_SECONDS, EvidenceLinks } from '../../../src/modules/compat-api/evidence-links.js';
import { EVIDENCE_LINKS_PER_ADDRESS_PER_MINUTE } from '../../../src/modules/compat-api/routes.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { compatClient, conform, expectError, incident, seed, type Client } from './helpers.js';

/** §7.12 / §8.9: `evidenceURL` is a presigned, expiring link to one incident's evidence as an XML file. */
describe('compatible API: evidence links', () => {
  let t: TestApp;
  let c: Client;
  let withEvidence: number;
  let without: number;
  beforeAll(async () => {
    t = await createTestApp();
    c = await compatClient(t);
    [withEvidence, without] = await seed(t, [incident({ evidence: { content: 'SSN 078-05-1120 & <more>', fileName: 'hr.txt', fileType: 'txt' } }), incident()]);
  });
  afterAll(async () => t?.close());

  const pathOf = (url: string) => new URL(url).pathname;
  const fetchLink = (path: string) => t.app.inject({ method: 'GET', url: path });

  it('answers the Evidence object with a link that serves the XML file without a token', async () => {
    const ev = conform(wire.evidence, await c.call('GET', `/dlp/v1/incidents/${withEvidence}/evidence`));
    expect(ev).toMatchObject({ fileName: 'hr.txt', fileType: 'txt' });
    expect(ev.additionalInfo).toMatch(/expires at \d{4}-\d\d-\d\dT/);
    expect(ev.evidenceURL).toMatch(/^https?:\/\/[^/]+\/dlp\/v1\/evidence\/[\w.-]+$/);
    const res = await fetchLink(pathOf(ev.evidenceURL!));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="evidence-${withEvidence}.xml"`);
    expect(res.body).toContain('<content>SSN 078-05-1120 &amp; &lt;more&gt;</content>');
  });

  it('without evidence: the object with evidenceURL null and the incident file name (fileName is schema-required)', async () => {
    const ev = conform(wire.evidence, await c.call('GET', `/dlp/v1/incidents/${without}/evidence`));
    expect(ev.evidenceURL).toBeNull();
    expect(ev.additionalInfo).toBeNull();
    expect(ev.fileName).toMatch(/^report-/);
  });

  it('a tampered link is a 403, an expired one a 410, both in the vendor error shape', async () => {
    const ev = conform(wire.evidence, await c.call('GET', `/dlp/v1/incidents/${withEvidence}/evidence`));
    const token = pathOf(ev.evidenceURL!).split('/').pop()!;
    const [org, id, key, exp, sig] = token.split('.');
    expect(Number(key)).toBe(c.apiKeyId);
    const flip = (x: string) => x.slice(0, -1) + (x.endsWith('A') ? 'B' : 'A');
    for (const bad of [
      `${org}.${without}.${key}.${exp}.${sig}`, // another incident
      `${org}.${id}.${key}.${Number(exp) + 3600}.${sig}`, // a later expiry
      `${org}.${id}.${Number(key) + 1}.${exp}.${sig}`, // another key
      `${org}.${id}.${key}.${exp}.${flip(sig)}`,
      `${Number(org) + 1}.${id}.${key}.${exp}.${sig}`,
      `${org}.${id}.${exp}.${sig}`, // the form without a key
      'not-a-link',
    ]) {
      const body = expectError(await fetchLink(`/dlp/v1/evidence/${bad}`), 403, 'FORBIDDEN');
      expect(body.message).toMatch(/not valid/);
    }
    // A link signed with the server's key but already past its 15 minutes.
    const past = new EvidenceLinks(t.ctx.secrets.derive('compat-evidence-links'), () => Date.now() - (EVIDENCE_LINK_SECONDS + 1) * 1000);
    const expired = past.sign(t.orgId, withEvidence, c.apiKeyId);
    const body = expectError(await fetchLink(`/dlp/v1/evidence/${expired.token}`), 410);
    expect(body.message).toContain(`expired at ${expired.expiresAt}`);
    // A link from another key (another installation) is not honoured.
    const foreign = new EvidenceLinks(Buffer.alloc(32, 7)).sign(t.orgId, withEvidence, c.apiKeyId);
    expectError(await fetchLink(`/dlp/v1/evidence/${foreign.token}`), 403);
  });

  it('a link dies with its API key: revoked, or its role no longer viewing incidents', async () => {
    const actor = systemPrincipal(t.orgId, fullPermissions());
    const linkOf = async (client: Client) =>
      new URL(conform(wire.evidence, await client.call('GET', `/dlp/v1/incidents/${withEvidence}/evidence`)).evidenceURL!).pathname;

    const revoked = await compatClient(t);
    const revokedLink = await linkOf(revoked);
    expect((await fetchLink(revokedLink)).statusCode).toBe(200);
    await t.ctx.apiKeys.revoke(actor, revoked.apiKeyId);
    expect(expectError(await fetchLink(revokedLink), 403, 'FORBIDDEN').message).toMatch(/was revoked or may no longer view incidents/);

    const demoted = await compatClient(t);
    const demotedLink = await linkOf(demoted);
    const key = (await t.ctx.apiKeys.list(t.orgId)).find((k) => k.id === demoted.apiKeyId)!;
    await t.ctx.roles.update(actor, key.roleId, { permissions: { ...fullPermissions(), Incidents: 'none' } });
    expectError(await fetchLink(demotedLink), 403, 'FORBIDDEN');
    // The key that still may view keeps its links working.
    expect((await fetchLink(await linkOf(c))).statusCode).toBe(200);
  });

  it('downloads are bounded per address, with Retry-After, and another address is not affected', async () => {
    const link = new URL(conform(wire.evidence, await c.call('GET', `/dlp/v1/incidents/${withEvidence}/evidence`)).evidenceURL!).pathname;
    const from = (remoteAddress: string) => t.app.inject({ method: 'GET', url: link, remoteAddress });
    for (let i = 0; i < EVIDENCE_LINKS_PER_ADDRESS_PER_MINUTE; i++) expect((await from('10.20.30.40')).statusCode).toBe(200);
    const refused = await from('10.20.30.40');
    expectError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('10.20.30.41')).statusCode).toBe(200);
  });

  it("another org's incident is a 404, and a link dies with the incident", async () => {
    const other = await t.newOrg();
    const theirClient = await compatClient(t, undefined, other.orgId);
    expectError(await theirClient.call('GET', `/dlp/v1/incidents/${withEvidence}/evidence`), 404, 'NOT_FOUND');
    const [doomed] = await seed(t, [incident({ evidence: { content: 'gone soon' } })]);
    const ev = conform(wire.evidence, await c.call('GET', `/dlp/v1/incidents/${doomed}/evidence`));
    expect((await c.call('DELETE', `/dlp/v1/incidents/${doomed}`)).statusCode).toBe(200);
    expectError(await fetchLink(pathOf(ev.evidenceURL!)), 404, 'NOT_FOUND');
  });

  it('uses WFA_PUBLIC_URL as the base of the link when it is set', async () => {
    const t2 = await createTestApp({ WFA_PUBLIC_URL: 'https://dlp.example.com/' });
    try {
      const c2 = await compatClient(t2);
      const [id] = await seed(t2, [incident({ evidence: { content: 'x' } })]);
      const ev = conform(wire.evidence, await c2.call('GET', `/dlp/v1/incidents/${id}/evidence`));
      expect(ev.evidenceURL).toMatch(/^https:\/\/dlp\.example\.com\/dlp\/v1\/evidence\//);
    } finally {
      await t2.close();
    }
  });
});
