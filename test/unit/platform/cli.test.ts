import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createContext } from '../../../src/app-context.js';
import { loadConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/platform/db/database.js';
import { silentLog } from '../../helpers/test-app.js';

/** The real `wfa` entry point in a child process (node --import tsx, one process, killed by PID). */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tmpDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'wfa-cli-'));
  dirs.push(d);
  return d;
}

function baseEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    WFA_DATA_DIR: dir,
    DATABASE_URL: `sqlite:${path.join(dir, 'wfa.db')}`,
    LOG_LEVEL: 'info',
    ...extra,
  };
  return env;
}

function start(args: string[], env: NodeJS.ProcessEnv, stdin?: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  if (stdin !== undefined) child.stdin!.end(stdin);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

const run = (args: string[], env: NodeJS.ProcessEnv, stdin?: string) => start(args, env, stdin).done;

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('wfa CLI', () => {
  it('serve with PORT=abc exits non-zero naming PORT', async () => {
    const dir = tmpDir();
    const r = await run(['serve'], baseEnv(dir, { PORT: 'abc' }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PORT="abc"');
    expect(r.stderr).not.toMatch(/\bat .+\.ts:\d+/); // a message, not a stack trace
  });

  it('other bad values stop it too, naming the variable', async () => {
    const dir = tmpDir();
    const r = await run(['migrate'], baseEnv(dir, { WFA_SESSION_TTL_MINUTES: '0', DATABASE_URL: 'mysql://x' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('WFA_SESSION_TTL_MINUTES');
    expect(r.stderr).toContain('DATABASE_URL');
  });

  it('migrate applies the migrations, then reports the database is up to date', async () => {
    const dir = tmpDir();
    const first = await run(['migrate'], baseEnv(dir));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Applied: 0001_platform/);
    const second = await run(['migrate'], baseEnv(dir));
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Database is up to date.');
  }, 90_000);

  it('admin create makes a working login; refuses bad input with a message', async () => {
    const dir = tmpDir();
    const password = 'cli-created-password-1';
    const created = await run(['admin', 'create', '--email', 'Cli.Admin@example.com', '--name', 'CLI Admin'], baseEnv(dir, { WFA_ADMIN_PASSWORD: password }));
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created admin Cli.Admin@example.com (DLP Super Admin)');
    expect(created.stdout + created.stderr).not.toContain(password);

    // The password can also come from stdin (no TTY), with another role.
    const piped = await run(
      ['admin', 'create', '--email', 'piped@example.com', '--name', 'Piped', '--role', 'DLP Admin'],
      baseEnv(dir),
      'piped-password-123\n',
    );
    expect(piped.code, piped.stderr).toBe(0);

    const dup = await run(['admin', 'create', '--email', 'cli.admin@example.com', '--name', 'Again'], baseEnv(dir, { WFA_ADMIN_PASSWORD: password }));
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('already exists');
    const badEmail = await run(['admin', 'create', '--email', 'not-an-email', '--name', 'X'], baseEnv(dir, { WFA_ADMIN_PASSWORD: password }));
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toContain('--email');
    const shortPw = await run(['admin', 'create', '--email', 'short@example.com', '--name', 'X'], baseEnv(dir, { WFA_ADMIN_PASSWORD: 'short' }));
    expect(shortPw.code).toBe(2);
    expect(shortPw.stderr).toContain('at least 12');
    const badRole = await run(
      ['admin', 'create', '--email', 'role@example.com', '--name', 'X', '--role', 'Wizard'],
      baseEnv(dir, { WFA_ADMIN_PASSWORD: password }),
    );
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('Wizard');

    // Sign in against the same database file.
    const config = loadConfig(baseEnv(dir, { LOG_LEVEL: 'silent' }));
    const database = openDatabase(config.database);
    const app = await buildApp(createContext(config, database, silentLog), { logger: false, serveWeb: false });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'cli.admin@example.com', password } });
      expect(login.statusCode, login.body).toBe(200);
      expect(login.json().admin.roleName).toBe('DLP Super Admin');
      const pipedLogin = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'piped@example.com', password: 'piped-password-123' },
      });
      expect(pipedLogin.json().admin.roleName).toBe('DLP Admin');
      expect(await database.db.selectFrom('admins').select('id').execute()).toHaveLength(2);
      const audit = await database.db.selectFrom('audit_log').selectAll().execute();
      expect(audit.map((a) => a.actor)).toEqual(['System', 'System']);
      expect(JSON.stringify(audit)).not.toContain(password);
    } finally {
      await app.close();
      await database.close();
    }
  }, 90_000);

  it('serve starts, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const dir = tmpDir();
    const server = start(['serve'], baseEnv(dir, { PORT: '0', HOST: '127.0.0.1', WFA_WORKER: 'false' }));
    const url = await new Promise<string>((resolve, reject) => {
      const look = () => {
        const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(server.output());
        if (m) resolve(m[1]);
      };
      server.child.stdout!.on('data', look);
      server.child.stderr!.on('data', look);
      server.child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${server.output()}`)));
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    process.kill(server.child.pid!, 'SIGTERM');
    const { code } = await server.done;
    expect(code).toBe(0);
  }, 60_000);

  it('--help on every command prints its usage and exits 0, without starting anything', async () => {
    for (const command of ['serve', 'migrate', 'admin', 'demo', 'sandbox', 'rotate-key']) {
      const r = await run([command, '--help'], baseEnv(tmpDir()));
      expect({ command, code: r.code }).toEqual({ command, code: 0 });
      expect(r.stdout).toContain(`Usage: wfa ${command}`);
      expect(r.stderr).toBe('');
    }
    const all = await run(['--help'], baseEnv(tmpDir()));
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('rotate-key --new-key K');
  }, 120_000);

  it('a wrong option or port names itself and prints the usage, not a stack trace', async () => {
    for (const args of [
      ['sandbox', '--bogus'],
      ['rotate-key', '--bogus'],
      ['sandbox', '--port', '70000'],
      ['demo', '--sandbox-port', 'x'],
    ]) {
      const r = await run(args, baseEnv(tmpDir()));
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/--bogus|--port|--sandbox-port/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  it('unknown commands print usage and exit 2', async () => {
    const r = await run(['explode'], baseEnv(tmpDir()));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: wfa');
  });
});
