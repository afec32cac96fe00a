/**
 * Real processes for the reliability tests: the sandbox in a process of its own (so it outlives
 * every server death) and `wfa serve` processes that are started, SIGKILLed and restarted by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { summary } from '../../src/sandbox/admin.js';
import type { Faults, SandboxSystem } from '../../src/sandbox/state.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OUTPUT_LIMIT = 200_000;

type Cli = { child: ChildProcess; output(): string; exited: Promise<void> };

/** `wfa <args>` through tsx, the code path an installer runs; output is kept (bounded) for failure reports. */
function spawnCli(args: string[], env: NodeJS.ProcessEnv): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (d: Buffer) => {
    out = (out + d.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => out, exited };
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** Waits until `ready()` holds, the process died, or the time is up (then throws with its output). */
async function waitFor(cli: Cli, what: string, ready: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(cli.child)) throw new Error(`${what} exited (${cli.child.exitCode ?? cli.child.signalCode}) before it was ready:\n${cli.output().slice(-4000)}`);
    if (await ready()) return;
    await sleep(100);
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${cli.output().slice(-4000)}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type SandboxState = ReturnType<typeof summary>;

export type SandboxProcess = {
  servicenowUrl: string;
  jiraUrl: string;
  pid: number;
  state(): Promise<SandboxState>;
  setFaults(system: SandboxSystem, faults: Partial<Faults> & Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<void>;
};

/** `wfa sandbox --port 0`: both fake systems on free ports, driven through their `/__sandbox` admin API. */
export async function startSandboxProcess(): Promise<SandboxProcess> {
  const cli = spawnCli(['sandbox', '--port', '0', '--host', '127.0.0.1'], { ...process.env, LOG_LEVEL: 'warn' });
  let urls: { sn: string; jira: string } | null = null;
  await waitFor(
    cli,
    'The sandbox',
    () => {
      const sn = /ServiceNow\s+(http:\/\/\S+)/.exec(cli.output());
      const jira = /Jira Cloud\s+(http:\/\/\S+)/.exec(cli.output());
      if (sn && jira) urls = { sn: sn[1], jira: jira[1] };
      return urls !== null;
    },
    60_000,
  );
  const { sn, jira } = urls!;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sn}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as unknown;
  };
  return {
    servicenowUrl: sn,
    jiraUrl: jira,
    pid: cli.child.pid!,
    state: async () => (await admin('GET', '/state')) as SandboxState,
    setFaults: async (system, faults) => void (await admin('POST', '/faults', { system, ...faults })),
    clearFaults: async () => void (await admin('DELETE', '/faults')),
    reset: async () => void (await admin('POST', '/reset')),
    async stop() {
      if (!alive(cli.child)) return;
      process.kill(cli.child.pid!, 'SIGTERM');
      const timer = setTimeout(() => alive(cli.child) && process.kill(cli.child.pid!, 'SIGKILL'), 10_000);
      await cli.exited;
      clearTimeout(timer);
    },
  };
}

/**
 * One `wfa serve` on a fixed port, so clients keep their address across restarts. `kill()` is
 * SIGKILL: no shutdown hook runs, open transactions and in-flight ticket calls die mid-way.
 */
export class ServerProcess {
  private cli: Cli | null = null;
  starts = 0;
  kills = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get up(): boolean {
    return this.cli !== null && alive(this.cli.child);
  }

  get pid(): number | null {
    return this.cli?.child.pid ?? null;
  }

  output(): string {
    return this.cli?.output() ?? '';
  }

  async start(): Promise<void> {
    if (this.up) return;
    const cli = spawnCli(['serve'], { ...this.env, PORT: String(this.port), HOST: '127.0.0.1' });
    this.cli = cli;
    this.starts++;
    await waitFor(
      cli,
      `Server ${this.name}`,
      async () => {
        const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
        return res?.ok === true;
      },
      90_000,
    );
  }

  async kill(): Promise<void> {
    const cli = this.cli;
    if (!cli || !alive(cli.child)) return;
    process.kill(cli.child.pid!, 'SIGKILL');
    this.kills++;
    await cli.exited;
  }

  /** A clean shutdown (SIGTERM), falling back to SIGKILL after 15 s. */
  async stop(): Promise<void> {
    const cli = this.cli;
    if (!cli || !alive(cli.child)) return;
    process.kill(cli.child.pid!, 'SIGTERM');
    const timer = setTimeout(() => alive(cli.child) && process.kill(cli.child.pid!, 'SIGKILL'), 15_000);
    await cli.exited;
    clearTimeout(timer);
  }
}

/** `wfa admin create` (which also migrates) against the given environment. */
export async function createAdminWithCli(env: NodeJS.ProcessEnv, who: { email: string; name: string; password: string }): Promise<void> {
  const cli = spawnCli(['admin', 'create', '--email', who.email, '--name', who.name], { ...env, WFA_ADMIN_PASSWORD: who.password });
  const timer = setTimeout(() => alive(cli.child) && process.kill(cli.child.pid!, 'SIGKILL'), 120_000);
  await cli.exited;
  clearTimeout(timer);
  if (cli.child.exitCode !== 0) throw new Error(`wfa admin create failed (${cli.child.exitCode ?? cli.child.signalCode}):\n${cli.output()}`);
}
