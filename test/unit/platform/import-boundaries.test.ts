import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');
const depcruise = path.join(repo, 'node_modules/.bin/depcruise');

type Violation = { rule: { name: string }; from: string; to: string };

/** Runs `npm run lint:imports`'s rules on `src` under `cwd`; the violations found. */
async function violations(cwd: string): Promise<Violation[]> {
  const run = promisify(execFile);
  const args = ['--config', path.join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json', 'src'];
  // depcruise exits non-zero when it finds errors; its JSON report is on stdout either way.
  const { stdout } = await run(depcruise, args, { cwd, maxBuffer: 64 * 1024 * 1024 }).catch((err: { stdout?: string }) => {
    if (!err.stdout) throw err;
    return { stdout: err.stdout };
  });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('import boundaries (npm run lint:imports)', () => {
  it('reports each kind of violation in a fixture, and only those', async () => {
    const found = await violations(path.join(repo, 'test/fixtures/import-boundaries'));
    expect(found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort()).toEqual([
      'connector-imports-app: src/connectors/leaks.ts → src/modules/a/service.ts',
      'cycle: src/modules/c/one.ts → src/modules/c/two.ts',
      'imports-composition-root: src/modules/b/uses-root.ts → src/app-context.ts',
      'other-module-store: src/modules/b/service.ts → src/modules/a/store.ts',
      'platform-imports-module: src/platform/uses-module.ts → src/modules/a/service.ts',
    ]);
  });

  it('finds none in the repository', async () => {
    expect(await violations(repo)).toEqual([]);
  });
});
