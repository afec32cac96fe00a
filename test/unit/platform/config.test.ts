import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, decodeKey, loadConfig } from '../../../src/config.js';

const KEY_HEX = 'ab'.repeat(32);
const KEY_B64 = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('has working defaults: embedded SQLite under ./data', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('0.0.0.0');
    expect(c.database).toEqual({ kind: 'sqlite', file: path.resolve('data/wfa.db') });
    expect(c.secretKey).toBeNull();
    expect(c.sessionTtlMinutes).toBe(480);
    expect(c.loginMaxFailures).toBe(5);
    expect(c.loginLockoutMinutes).toBe(15);
    expect(c.runWorker).toBe(true);
    expect(c.jobs).toEqual({ pollMs: 500, leaseMs: 30_000, backoffBaseMs: 5_000, backoffMaxMs: 3_600_000, concurrency: 4 });
    expect(c.logLevel).toBe('info');
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u:p@db:5432/wfa',
      WFA_DATA_DIR: '/tmp/wfa-data',
      WFA_SECRET_KEY: KEY_HEX,
      WFA_PUBLIC_URL: 'https://wfa.example.com/',
      WFA_ALLOW_PRIVATE_TARGETS: 'yes',
      WFA_SESSION_TTL_MINUTES: '60',
      WFA_LOGIN_MAX_FAILURES: '3',
      WFA_LOGIN_LOCKOUT_MINUTES: '5',
      WFA_WORKER: 'false',
      WFA_JOB_POLL_MS: '50',
      WFA_JOB_LEASE_SECONDS: '6',
      WFA_JOB_BACKOFF_MS: '200',
      WFA_JOB_BACKOFF_MAX_MS: '4000',
      WFA_JOB_CONCURRENCY: '8',
      WFA_TICKET_MARKER_WINDOW_MS: '5000',
      WFA_TICKET_CREATE_DEADLINE_MS: '60000',
      LOG_LEVEL: 'warn',
    });
    expect(c).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      database: { kind: 'postgres', url: 'postgres://u:p@db:5432/wfa' },
      dataDir: '/tmp/wfa-data',
      publicUrl: 'https://wfa.example.com',
      allowPrivateTargets: true,
      sessionTtlMinutes: 60,
      loginMaxFailures: 3,
      loginLockoutMinutes: 5,
      runWorker: false,
      jobs: { pollMs: 50, leaseMs: 6_000, backoffBaseMs: 200, backoffMaxMs: 4_000, concurrency: 8 },
      tickets: { markerWindowMs: 5000, createDeadlineMs: 60000 },
      logLevel: 'warn',
    });
    expect(c.secretKey!.equals(Buffer.from(KEY_HEX, 'hex'))).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).database).toEqual({ kind: 'sqlite', file: '/tmp/x.db' });
    expect(loadConfig({ WFA_SECRET_KEY: KEY_B64 }).secretKey!.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(loadConfig({ PORT: '' }).port).toBe(8080); // empty means unset
  });

  const bad: [string, string][] = [
    ['PORT', 'abc'],
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['PORT', '0x50'],
    ['HOST', '   '],
    ['DATABASE_URL', 'mysql://localhost/wfa'],
    ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', '/var/lib/wfa.db'],
    ['WFA_DATA_DIR', '  '],
    ['WFA_SECRET_KEY', 'too-short'],
    ['WFA_SECRET_KEY', 'ab'.repeat(31)],
    ['WFA_SECRET_KEY', Buffer.alloc(16).toString('base64')],
    ['WFA_PUBLIC_URL', 'wfa.example.com'],
    ['WFA_PUBLIC_URL', 'javascript:alert(1)'],
    ['WFA_PUBLIC_URL', 'ftp://wfa.example.com'],
    ['WFA_ALLOW_PRIVATE_TARGETS', 'maybe'],
    ['WFA_SESSION_TTL_MINUTES', '0'],
    ['WFA_SESSION_TTL_MINUTES', '99999999999999'],
    ['WFA_SESSION_TTL_MINUTES', 'ten'],
    ['WFA_LOGIN_MAX_FAILURES', '0'],
    ['WFA_LOGIN_MAX_FAILURES', '1e3'],
    ['WFA_LOGIN_LOCKOUT_MINUTES', '-5'],
    ['WFA_WORKER', 'on'],
    ['LOG_LEVEL', 'verbose'],
  ];
  it.each(bad)('%s=%j stops start-up with a message naming it', (name, value) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain(`${name}=`);
    // Secrets and connection strings are never echoed.
    if (name === 'WFA_SECRET_KEY' || name === 'DATABASE_URL') expect(message).toContain(`${name}=(hidden)`);
    else expect(message).toContain(JSON.stringify(value));
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/PORT=.*\n.*LOG_LEVEL=/s);
  });

  it('never echoes a secret in a database URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2-secret@db/wfa' })).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:hunter2-secret@db/wfa' });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});

describe('decodeKey', () => {
  it('accepts 64 hex characters or base64 of 32 bytes, nothing else', () => {
    expect(decodeKey(KEY_HEX)?.length).toBe(32);
    expect(decodeKey(KEY_B64)?.length).toBe(32);
    expect(decodeKey(Buffer.alloc(32, 1).toString('base64url'))?.length).toBe(32);
    expect(decodeKey('')).toBeNull();
    expect(decodeKey('zz'.repeat(32))).toBeNull();
    expect(decodeKey(Buffer.alloc(31).toString('base64'))).toBeNull();
    expect(decodeKey(Buffer.alloc(33).toString('base64'))).toBeNull();
  });
});
