import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runDemo } from '../../../src/demo.js';
import { SANDBOX_JIRA_CREDENTIALS, SANDBOX_SERVICENOW_CREDENTIALS } from '../../../src/sandbox/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wfa-demo-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A port nobody listens on right now (and the four after it: the sandbox's Jira, messaging pages, SMTP and DNS). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const free = (p: number) =>
      new Promise<boolean>((resolve) => {
        const s = net.createServer().once('error', () => resolve(false));
        s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
      });
    if (port < 65531 && (await free(port + 1)) && (await free(port + 2)) && (await free(port + 3)) && (await free(port + 4))) return port;
  }
}

it('the demo prints the login, the sandbox page and the credentials for Connect Account, on the sandbox port asked for', async () => {
  const sandboxPort = await freePortPair();
  const env = { PATH: process.env.PATH, PORT: '0', WFA_DATA_DIR: dir, LOG_LEVEL: 'silent' };
  const demo = await runDemo(env, { sandboxPort });
  try {
    const sandbox = `http://127.0.0.1:${sandboxPort}`;
    expect(demo.output).toContain(`Password:  ${demo.password}`);
    expect(demo.output).toContain(`${sandbox}/__sandbox/`);
    expect(demo.output).toContain(`username ${SANDBOX_SERVICENOW_CREDENTIALS.basic.username}, password ${SANDBOX_SERVICENOW_CREDENTIALS.basic.password}`);
    expect(demo.output).toContain(`email ${SANDBOX_JIRA_CREDENTIALS.email}, API token ${SANDBOX_JIRA_CREDENTIALS.apiToken}`);
    expect(demo.output).toContain(`Jira Cloud  http://127.0.0.1:${sandboxPort + 1}`);
    // The printed page is really there.
    const overview = await fetch(`${sandbox}/__sandbox/`);
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain('<h1>Ticketing sandbox</h1>');
    // Notifications: Slack and Teams channels on the sandbox receivers, and a test email in its mailbox.
    const messaging = `http://127.0.0.1:${sandboxPort + 2}`;
    expect(demo.output).toContain(`Messaging   ${messaging}/`);
    expect(demo.output).toContain('Notifications: Slack channel');
    const arrived = async () => {
      const state = (await (await fetch(`${messaging}/__sandbox/state`)).json()) as {
        mails: { envelopeTo: string[] }[];
        chat: { kind: string; title: string }[];
      };
      return state.mails.length >= 1 && state.chat.filter((c) => c.title === 'Workflow Automation demo').length >= 2 ? state : null;
    };
    let state = await arrived();
    for (let i = 0; !state && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await arrived();
    }
    expect(state?.mails[0]?.envelopeTo).toEqual(['analyst@example.com']);
    expect(state?.chat.map((c) => c.kind).sort()).toEqual(['slack', 'slack', 'teams', 'teams']);
  } finally {
    await demo.stop();
  }
}, 120_000);
