/**
 * End-to-end harness: the real server as a child process (on a temp SQLite database) and Debian's
 * chromium driven by playwright-core. Usage in a test file:
 *
 *   import { describeE2E } from './harness.js';
 *   describeE2E('my feature', (h) => {
 *     it('does the thing', async () => {
 *       const page = await h.newPage();             // 1280x800; h.newPage({ width: 400 }) for narrow
 *       await h.login(page);                        // the super admin created at start-up
 *       await page.getByRole('link', { name: 'Audit Logs' }).click();
 *       await h.see(page, 'Audit Logs');
 *     });
 *   });
 *
 * One server and one browser per file (beforeAll/afterAll); every page opened through `h.newPage`
 * gets its own browser context (fresh cookies), is screenshotted into test-results/ when its test
 * fails, and is closed after the test. `h.api()` signs in over HTTP for fast seeding; `h.createAdmin`
 * runs the real `wfa admin create`.
 *
 * When /usr/bin/chromium is missing the suite is skipped with a loud notice, except under CI=true,
 * where it fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM_PATH = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type Credentials = { email: string; password: string };

export type E2EServer = {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  pid: number;
  dataDir: string;
  /** The DLP Super Admin created with `wfa admin create` before the server started. */
  superAdmin: Credentials & { name: string };
  /** Everything the server printed, for debugging a failed start. */
  output(): string;
  stop(): Promise<void>;
};

function serverEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${path.join(dataDir, 'wfa.db')}`,
    WFA_DATA_DIR: dataDir,
    WFA_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'info',
    CI: process.env.CI ?? '',
    ...extra,
  };
}

/**
 * A ServiceNow / Jira sandbox on a free loopback port for this file's tests: started before them,
 * closed after. Call the returned function inside a test or hook (the sandbox exists only then).
 */
export function sandboxForFile(): () => Sandbox {
  let sb: Sandbox | undefined;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await sb?.close();
  });
  return () => {
    if (!sb) throw new Error('the sandbox is read before beforeAll started it');
    return sb;
  };
}

/** Runs the CLI (`wfa ...`) through tsx, the same code path an installer uses. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `wfa admin create` against the given data dir (works while the server runs: SQLite WAL). */
export async function createAdminWithCli(
  dataDir: string,
  a: { email: string; name: string; password: string; role?: string },
  extraEnv: Record<string, string> = {},
): Promise<void> {
  const args = ['admin', 'create', '--email', a.email, '--name', a.name, ...(a.role ? ['--role', a.role] : [])];
  const r = await runCli(args, { ...serverEnv(dataDir, extraEnv), WFA_ADMIN_PASSWORD: a.password, LOG_LEVEL: 'warn' });
  if (r.code !== 0) throw new Error(`wfa admin create failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
}

/** Starts `wfa serve` as a child process on a free port with a fresh temp data dir. */
export async function startServer(opts: { env?: Record<string, string>; superAdmin?: E2EServer['superAdmin'] } = {}): Promise<E2EServer> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/web/index.html'))) {
    throw new Error('The web app is not built: run `npm run build:web` (or use `npm run test:e2e`, which builds it first).');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wfa-e2e-'));
  const superAdmin = opts.superAdmin ?? { email: 'super@example.com', name: 'Super Admin', password: 'correct horse battery staple' };
  await createAdminWithCli(dataDir, superAdmin, opts.env);

  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: serverEnv(dataDir, opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Server did not start within 60 s:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ''));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Server exited with code ${code} before listening:\n${out}`));
    });
  });
  // Keep collecting output (bounded) so a failure can show it.
  const collect = (d: Buffer) => {
    out = (out + d.toString()).slice(-200_000);
  };
  child.stdout!.removeAllListeners('data').on('data', collect);
  child.stderr!.removeAllListeners('data').on('data', collect);
  child.removeAllListeners('exit');

  const ready = await fetch(`${url}/readyz`).catch(() => null);
  if (!ready?.ok) throw new Error(`Server at ${url} is not ready:\n${out}`);

  const pid = child.pid!;
  return {
    url,
    pid,
    dataDir,
    superAdmin,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/** Headless Debian chromium; playwright gives each launch a fresh temporary profile (user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A signed-in HTTP client for seeding data fast (cookie + CSRF token, like the web app). */
export type ApiClient = {
  get<T = unknown>(p: string): Promise<T>;
  post<T = unknown>(p: string, body?: unknown): Promise<T>;
  patch<T = unknown>(p: string, body?: unknown): Promise<T>;
  put<T = unknown>(p: string, body?: unknown): Promise<T>;
  del(p: string): Promise<void>;
};

export async function apiLogin(baseUrl: string, who: Credentials): Promise<ApiClient> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  if (!res.ok) throw new Error(`API login as ${who.email} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? '']).map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const call = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}/api/v1${p}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${p} → ${r.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b ?? {}),
    patch: (p, b) => call('PATCH', p, b ?? {}),
    put: (p, b) => call('PUT', p, b ?? {}),
    del: async (p) => void (await call('DELETE', p)),
  };
}

function safeName(s: string): string {
  return s.replace(/[^a-z0-9-_]+/gi, '_').slice(0, 120);
}

export type E2E = {
  readonly server: E2EServer;
  readonly browser: Browser;
  /** A fresh browser context (own cookies) and page; closed after the current test. */
  newPage(viewport?: { width?: number; height?: number }): Promise<Page>;
  /** Opens the app and signs in through the login form; waits for the signed-in shell. */
  login(page: Page, who?: Credentials): Promise<void>;
  /** Account menu → Log out; waits for the login form. */
  logout(page: Page): Promise<void>;
  /** Clicks a left-navigation link by its label, opening the Setup group first when needed. */
  navigate(page: Page, label: string): Promise<void>;
  /** Labels of the left-navigation links the signed-in admin has (Setup group opened first). */
  navLabels(page: Page): Promise<string[]>;
  /** Waits until the text is visible somewhere on the page (first match). */
  see(page: Page, text: string | RegExp, timeoutMs?: number): Promise<void>;
  /**
   * Reloads until the locator is visible, giving each load a few seconds to render, for what the
   * background worker changes on a page that does not poll for it. Bounded: throws after timeoutMs.
   */
  reloadUntil(page: Page, target: Locator, timeoutMs?: number): Promise<void>;
  /**
   * Screenshot to test-results/<name>.png (or an absolute path); full page by default, pass
   * { fullPage: false } while a modal is open (fixed overlays do not stitch into a full page).
   */
  screenshot(page: Page, name: string, opts?: { fullPage?: boolean }): Promise<string>;
  /** Waits until open modals (and their overlays) have finished their open transition. */
  settled(page: Page): Promise<void>;
  /** Signed-in API client (default: the super admin). */
  api(who?: Credentials): Promise<ApiClient>;
  /**
   * Sends incidents as a DLP engine does (POST /api/v1/incidents with a DLP Super Admin API key,
   * made once per server) and expects every one stored; returns the per-item results in order.
   */
  ingest(incidents: readonly unknown[]): Promise<{ id: number; transactionId: string }[]>;
  /** `wfa admin create` on this server's database. */
  createAdmin(a: { email: string; name: string; password: string; role?: string }): Promise<void>;
};

/** h.ingest's results as transaction id → incident id. */
export function idsByTransaction(results: readonly { id: number; transactionId: string }[]): Record<string, number> {
  return Object.fromEntries(results.map((r) => [r.transactionId, r.id]));
}

/**
 * `describe` with a running server and browser. Options: `env` for extra server environment
 * variables (e.g. { WFA_LOGIN_MAX_FAILURES: '3' }).
 */
export function describeE2E(name: string, fn: (h: E2E) => void, opts: { env?: Record<string, string> } = {}): void {
  if (!chromiumAvailable()) {
    const msg = `\n${'!'.repeat(78)}\n!!  ${CHROMIUM_PATH} not found: browser tests "${name}" ${IN_CI ? 'FAIL (CI is set)' : 'are SKIPPED'}.\n!!  Install it with: apt-get install chromium\n${'!'.repeat(78)}\n`;
    console.warn(msg);
    if (IN_CI) {
      describe(name, () => {
        it('needs chromium', () => {
          throw new Error(`${CHROMIUM_PATH} is missing; browser tests cannot be skipped in CI.`);
        });
      });
    } else {
      describe.skip(name, () => fn({} as E2E));
    }
    return;
  }

  describe(name, () => {
    let server: E2EServer | undefined;
    let browser: Browser | undefined;
    let contexts: BrowserContext[] = [];
    let pages: Page[] = [];
    /** The API key h.ingest sends with, made at its first call. */
    let engineKey: Promise<string> | undefined;

    beforeAll(async () => {
      [server, browser] = await Promise.all([startServer({ env: opts.env }), launchChromium()]);
    });
    afterAll(async () => {
      await browser?.close().catch(() => undefined);
      await server?.stop();
    });
    afterEach(async (ctx) => {
      // The test's result is final here (vitest sets it before afterEach), and pages are still open.
      if (ctx.task.result?.state === 'fail') {
        fs.mkdirSync(RESULTS_DIR, { recursive: true });
        for (const [i, p] of pages.entries()) {
          if (p.isClosed()) continue;
          const file = path.join(RESULTS_DIR, `${safeName(`${name}-${ctx.task.name}`)}-${i}.png`);
          await p.screenshot({ path: file, fullPage: true }).catch(() => undefined);
          console.error(`Screenshot of the failed test's page ${i} (${p.url()}): ${file}`);
        }
        if (server) console.error(`Server output (last 4000 chars):\n${server.output().slice(-4000)}`);
      }
      await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
      contexts = [];
      pages = [];
    });

    const h: E2E = {
      get server() {
        if (!server) throw new Error('server not started (use h.server inside a test or hook)');
        return server;
      },
      get browser() {
        if (!browser) throw new Error('browser not started');
        return browser;
      },
      async newPage(viewport = {}) {
        const context = await h.browser.newContext({
          baseURL: h.server.url,
          viewport: { width: viewport.width ?? 1280, height: viewport.height ?? 800 },
        });
        context.setDefaultTimeout(15_000);
        contexts.push(context);
        const page = await context.newPage();
        pages.push(page);
        return page;
      },
      async login(page, who = h.server.superAdmin) {
        await page.goto('/');
        await page.getByRole('textbox', { name: /^Email/ }).fill(who.email);
        await page.getByRole('textbox', { name: /^Password/ }).fill(who.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByTestId('account-menu').waitFor();
      },
      async logout(page) {
        await page.getByTestId('account-menu').click();
        await page.getByRole('menuitem', { name: 'Log out' }).click();
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
      },
      async navigate(page, label) {
        const navEl = page.getByRole('navigation', { name: 'Main navigation' });
        const link = navEl.getByRole('link', { name: label, exact: true });
        if (!(await link.isVisible())) {
          const setup = navEl.getByText('Setup', { exact: true });
          if (await setup.isVisible()) await setup.click();
        }
        const href = await link.getAttribute('href');
        // A page that is still settling (e.g. writing its filters into the URL) can replace the
        // location right after the click; check that we arrived and click again if not.
        for (let attempt = 1; ; attempt++) {
          await link.click();
          if (!href) return;
          const arrived = await page
            .waitForURL((u) => u.pathname === href, { timeout: 5_000 })
            .then(() => true)
            .catch(() => false);
          if (arrived || attempt === 3) return;
        }
      },
      async navLabels(page) {
        const navEl = page.getByRole('navigation', { name: 'Main navigation' });
        await navEl.waitFor();
        const closedSetup = navEl.locator('[aria-expanded="false"]', { hasText: 'Setup' });
        if (await closedSetup.count()) await closedSetup.first().click();
        return (await navEl.getByRole('link').allTextContents()).map((t) => t.trim());
      },
      async see(page, text, timeoutMs) {
        await page.getByText(text).first().waitFor({ state: 'visible', timeout: timeoutMs });
      },
      async reloadUntil(page, target, timeoutMs = 60_000) {
        // Checking right after a reload would read the page before its data arrived: wait for it.
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const seen = await target
            .first()
            .waitFor({ state: 'visible', timeout: 3_000 })
            .then(() => true)
            .catch(() => false);
          if (seen) return;
          if (Date.now() > deadline) throw new Error(`still not visible after ${timeoutMs} ms of reloads: ${String(target)}`);
          await page.reload();
        }
      },
      async screenshot(page, name, opts = {}) {
        const file = path.isAbsolute(name) ? name : path.join(RESULTS_DIR, `${safeName(name)}.png`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await h.settled(page);
        await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
        return file;
      },
      async settled(page) {
        // A string, not a function: the root tsconfig has no DOM types.
        await page.waitForFunction(`[...document.querySelectorAll('.mantine-Modal-content, .mantine-Modal-overlay')].every((el) => {
          const st = getComputedStyle(el);
          return st.opacity === '1' && (st.transform === 'none' || st.transform === 'matrix(1, 0, 0, 1, 0, 0)');
        })`);
      },
      api: (who = h.server.superAdmin) => apiLogin(h.server.url, who),
      async ingest(incidents) {
        engineKey ??= (async () => {
          const api = await h.api();
          const roles = await api.get<{ items: { id: number; name: string }[] }>('/roles');
          const roleId = roles.items.find((r) => r.name === 'DLP Super Admin')!.id;
          return (await api.post<{ key: string }>('/api-keys', { name: 'E2E DLP engine', roleId })).key;
        })();
        const res = await fetch(`${h.server.url}/api/v1/incidents`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await engineKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ incidents }),
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${text.slice(0, 500)}`);
        const { results } = JSON.parse(text) as { results: { id: number | null; transactionId: string; result: string }[] };
        const unstored = results.filter((r) => r.id === null);
        if (unstored.length) throw new Error(`ingest stored not every incident: ${JSON.stringify(unstored).slice(0, 500)}`);
        return results as { id: number; transactionId: string }[];
      },
      createAdmin: (a) => createAdminWithCli(h.server.dataDir, a, opts.env),
    };
    fn(h);
  });
}
