import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runDemo } from '../../../src/demo.js';
import { SANDBOX_JIRA_CREDENTIALS, SANDBOX_SERVICENOW_CREDENTIALS } from '../../../src/sandbox/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wfa-demo-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A port nobody listens on right now (and the one after it, which the sandbox's Jira takes). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const nextFree = await new Promise<boolean>((resolve) => {
      const s = net.createServer().once('error', () => resolve(false));
      s.listen(port + 1, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (port < 65534 && nextFree) return port;
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
  } finally {
    await demo.stop();
  }
}, 120_000);
