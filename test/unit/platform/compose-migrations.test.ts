import { describe, expect, it } from 'vitest';
import { BASELINE_MIGRATION, composeMigrations } from '../../../src/platform/db/migrate.js';
import type { MigrationFn } from '../../../src/platform/db/schema-helpers.js';

/** A migration that only notes that it ran, in order. */
function noting(ran: string[], label: string): MigrationFn {
  return async () => {
    ran.push(label);
  };
}

describe('composeMigrations', () => {
  it('runs every owner’s part of the baseline under its one name, in owner order', async () => {
    const ran: string[] = [];
    const all = composeMigrations([
      { owner: 'platform', migrations: { [BASELINE_MIGRATION]: noting(ran, 'orgs') } },
      { owner: 'roles', migrations: { [BASELINE_MIGRATION]: noting(ran, 'roles') } },
      { owner: 'labels', migrations: { '0410_labels': noting(ran, 'labels') } },
      { owner: 'orgs' },
      { owner: 'admins', migrations: { [BASELINE_MIGRATION]: noting(ran, 'admins') } },
    ]);
    expect(Object.keys(all).sort()).toEqual([BASELINE_MIGRATION, '0410_labels']);
    await all[BASELINE_MIGRATION](undefined as never, 'sqlite');
    expect(ran).toEqual(['orgs', 'roles', 'admins']);
  });

  it('refuses two owners declaring the same migration name', () => {
    expect(() =>
      composeMigrations([
        { owner: 'incidents', migrations: { '0400_incidents': noting([], 'a') } },
        { owner: 'tickets', migrations: { '0400_incidents': noting([], 'b') } },
      ]),
    ).toThrow(/0400_incidents is declared by both incidents and tickets/);
  });
});
