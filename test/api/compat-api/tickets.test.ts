import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/test-app.js';
import * as wire from '../../../src/modules/compat-api/schemas.js';
import { newIncident, runJobs, withTicketing, type World } from '../tickets/helpers.js';
import { compatClient, conform } from './helpers.js';

/** Tickets made through the product (sandbox ServiceNow and Jira Cloud) as the compatible API shows them. */
describe('compatible API: tickets', () => {
  let t: TestApp;
  let w: World;
  withTicketing((a) => ({ t, w } = a));

  it("lists an incident's tickets under both path forms and keys, and inside the incident as dlpIncidentTickets", async () => {
    const inc = await newIncident(t);
    const sn = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.sn.id, integrationUserId: w.snUser.id });
    expect(sn.statusCode, sn.body).toBe(202);
    const jira = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.jira.id, projectId: w.sec.id, integrationUserId: w.jiraUser.id });
    expect(jira.statusCode, jira.body).toBe(202);
    await runJobs(t);
    const c = await compatClient(t);
    for (const path of [`/dlp/v1/incidents/${inc.id}/tickets`, `/dlp/v1/incidents/tickets/${inc.id}?page=1&pageSize=1000`]) {
      const list = conform(wire.ticketList, await c.call('GET', path));
      if (path.includes('page=1')) {
        // Page 1 of 0-based pages with everything on page 0: empty, and the Go pager stops.
        expect(list.tickets).toEqual([]);
        expect(list.cursor.totalElements).toBe(2);
        continue;
      }
      expect(list.logs).toEqual(list.tickets);
      expect(list.tickets.map((x) => x.ticketType).sort()).toEqual(['JIRA_CLOUD', 'SERVICENOW']);
      const j = list.tickets.find((x) => x.ticketType === 'JIRA_CLOUD')!;
      expect(j.ticketingSystemName).toBe(w.jira.name);
      expect(j.projectName).toBeTruthy();
      expect(typeof j.projectId).toBe('string');
      expect(j.ticketInfo.ticketId).toMatch(/^SEC-\d+$/);
      expect(j.ticketInfo.ticketUrl).toMatch(/^http/);
      const s = list.tickets.find((x) => x.ticketType === 'SERVICENOW')!;
      expect(s.ticketInfo.ticketId).toMatch(/^INC\d+$/);
    }
    const go = conform(wire.ticketList, await c.call('GET', `/dlp/v1/incidents/tickets/${inc.id}?page=0&pageSize=1000`));
    expect(go.logs).toHaveLength(2);
    const one = conform(wire.incident, await c.call('GET', `/dlp/v1/incidents/${inc.id}`));
    expect(one.dlpIncidentTickets.map((x) => x.ticketType).sort()).toEqual(['JIRA_CLOUD', 'SERVICENOW']);
    const found = conform(
      wire.incidentList,
      await c.call('POST', '/dlp/v1/incidents/search', { fields: [{ name: 'transactionId', value: [inc.transactionId] }] }),
    );
    expect(found.incidents[0].dlpIncidentTickets).toHaveLength(2);
  });
});
