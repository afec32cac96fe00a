import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAllowedTarget, guardedLookup, isPrivateAddress } from '../../../src/connectors/address-guard.js';
import { HttpClient } from '../../../src/connectors/http.js';
import { ConnectorError } from '../../../src/connectors/types.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { failure, jira, serviceNow } from './fixture.js';

describe('isPrivateAddress', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '127.8.9.10',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '0:0:0:0:0:ffff:a9fe:a9fe',
    '64:ff9b::a00:1',
    '[::1]',
    // Every IPv6 form that embeds an IPv4 loopback or private address, and non-global blocks.
    '::127.0.0.1',
    '::ffff:0:127.0.0.1',
    '64:ff9b:1::a00:1',
    '64:ff9b:1::808:808',
    '2002:7f00:1::1',
    '2002:c0a8:101::',
    '2001:0:4136:e378:8000:63bf:80ff:fffe',
    '2001:0:7f00:1::8080:8080',
    '2001:db8::1',
    '100::1',
    'fe80::1%eth0',
    '192.0.0.8',
    '198.18.0.1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '::8.8.8.8'])(
    'allows public %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe('assertAllowedTarget', () => {
  const publicLookup = async () => [{ address: '93.184.216.34', family: 4 }];

  it('refuses http:// unless private targets are allowed', async () => {
    const err = await failure(assertAllowedTarget(new URL('http://example.com/'), { allowPrivateTargets: false, system: 'Jira Cloud', lookup: publicLookup }));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/https:\/\//);
    await expect(assertAllowedTarget(new URL('http://example.com/'), { allowPrivateTargets: true, system: 'Jira Cloud' })).resolves.toBeUndefined();
  });

  it('refuses literal private IPs, including IPv4-mapped IPv6', async () => {
    for (const url of ['https://127.0.0.1/', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/', 'https://169.254.169.254/']) {
      const err = await failure(assertAllowedTarget(new URL(url), { allowPrivateTargets: false, system: 'ServiceNow' }));
      expect(err).toBeInstanceOf(ConnectorError);
      expect(err.message).toMatch(/private, loopback or link-local/);
    }
  });

  it('refuses a name when any resolved address is private', async () => {
    const mixed = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    const err = await failure(
      assertAllowedTarget(new URL('https://intranet.example.com/'), { allowPrivateTargets: false, system: 'ServiceNow', lookup: mixed }),
    );
    expect(err.kind).toBe('invalid');
    await expect(
      assertAllowedTarget(new URL('https://acme.service-now.com/'), { allowPrivateTargets: false, system: 'ServiceNow', lookup: publicLookup }),
    ).resolves.toBeUndefined();
  });

  it('reports a name that does not resolve as unavailable', async () => {
    const nx = async () => {
      throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' });
    };
    const err = await failure(assertAllowedTarget(new URL('https://nope.invalid/'), { allowPrivateTargets: false, system: 'ServiceNow', lookup: nx }));
    expect(err.kind).toBe('unavailable');
  });
});

describe('connectors refuse private targets before sending anything', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  it('refuses the loopback sandbox unless allowPrivateTargets is true', async () => {
    const err = await failure(serviceNow(sandbox, { allowPrivateTargets: false }).verify());
    expect(err.kind).toBe('invalid');
    expect(sandbox.state.log).toHaveLength(0);
    await expect(serviceNow(sandbox, { allowPrivateTargets: true }).verify()).resolves.toEqual({ accountName: 'Workflow Automation Integration' });
    expect(sandbox.state.log).toHaveLength(1);
  });

  it('refuses a DNS name that resolves to loopback (localhost over https)', async () => {
    const port = new URL(sandbox.jiraUrl).port;
    const { createConnector } = await import('../../../src/connectors/index.js');
    const before = sandbox.state.log.length;
    const c = createConnector(
      { type: 'jira_cloud', baseUrl: `https://localhost:${port}`, credentials: sandbox.credentials.jira },
      { allowPrivateTargets: false, maxRetries: 0 },
    );
    const err = await failure(c.verify());
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/localhost/);
    expect(sandbox.state.log.length).toBe(before);
    // Same sandbox, allowed: proves the refusal came from the guard, not from the target.
    await expect(jira(sandbox).verify()).resolves.toBeTruthy();
  });
});

describe('DNS rebinding: the connection re-checks the address it connects to', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  const client = (connectAnswer: string) =>
    new HttpClient({
      system: 'Jira Cloud',
      baseUrl: `https://rebind.example:${new URL(sandbox.jiraUrl).port}`,
      options: { allowPrivateTargets: false, maxRetries: 0 },
      credentialHint: '',
      readErrorBody: () => ({}),
      secrets: [],
      // The pre-flight check sees a public address...
      lookup: async () => [{ address: '93.184.216.34', family: 4 }],
      // ...and by connect time DNS answers with a private one.
      connectLookup: (_host, _opts, cb) => cb(null, [{ address: connectAnswer, family: 4 }]),
    });

  it('refuses when the answer changed to loopback after the check, and sends nothing', async () => {
    const before = sandbox.state.log.length;
    const err = await failure(client('127.0.0.1').send({ method: 'GET', path: '/rest/api/3/myself', action: 'checking the account' }));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/when connecting/);
    expect(sandbox.state.log.length).toBe(before);
  });

  it('passes public answers through unchanged', () => {
    const results: unknown[] = [];
    const lookup = guardedLookup((_h, _o, cb) =>
      cb(null, [
        { address: '8.8.8.8', family: 4 },
        { address: '1.1.1.1', family: 4 },
      ]),
    );
    lookup('x.example', { all: true }, (err, addresses) => results.push([err, addresses]));
    lookup('x.example', {}, (err, address, family) => results.push([err, address, family]));
    expect(results).toEqual([
      [
        null,
        [
          { address: '8.8.8.8', family: 4 },
          { address: '1.1.1.1', family: 4 },
        ],
      ],
      [null, '8.8.8.8', 4],
    ]);
  });

  it('refuses a mixed answer that includes a private address', () => {
    let code: string | undefined;
    guardedLookup((_h, _o, cb) =>
      cb(null, [
        { address: '8.8.8.8', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ]),
    )('x.example', {}, (err) => {
      code = (err as NodeJS.ErrnoException | null)?.code;
    });
    expect(code).toBe('EPRIVATETARGET');
  });
});
