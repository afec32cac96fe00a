import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { decodeKey, loadConfig } from './config.js';
import { migrateToLatest } from './db.js';
import { openDatabase, type SharedDb } from './platform/db/database.js';
import type { AnyModule } from './platform/module.js';
import { SecretBox, loadSecretKey } from './platform/secrets.js';
import { MODULES } from './modules/index.js';

/** Columns holding SecretBox ciphertext, as the modules declare them. */
const modules: readonly AnyModule[] = MODULES;
export const SEALED_COLUMNS = modules.flatMap((m) => m.sealedColumns ?? []);

/**
 * Re-encrypts every sealed column from the current key (WFA_SECRET_KEY or the data folder's key
 * file) to `--new-key`, in one transaction: either every value moves or none does.
 */
export async function rotateKeyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'new-key': { type: 'string' } } });
  const newKey = values['new-key'] ? decodeKey(values['new-key']) : null;
  if (!newKey) {
    console.error('--new-key must be 32 bytes as 64 hex characters or base64 (openssl rand -base64 32).');
    return 2;
  }
  const config = loadConfig();
  const oldBox = new SecretBox(loadSecretKey(config));
  const newBox = new SecretBox(newKey);
  const database = openDatabase(config.database);
  await migrateToLatest(database);
  const count = await rotateSealedColumns(database.db, oldBox, newBox);
  await database.close();
  console.log(
    `Re-encrypted ${count} stored secret(s). Now start the server with WFA_SECRET_KEY set to the new key${config.secretKey ? '' : ' (and delete data/secret.key)'}.`,
  );
  return 0;
}

export async function rotateSealedColumns(db: SharedDb, oldBox: SecretBox, newBox: SecretBox, columns = SEALED_COLUMNS): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let count = 0;
    for (const { table, column } of columns) {
      const rows = await sql<{ id: number; value: string | null }>`select id, ${sql.ref(column)} as value from ${sql.table(table)}`.execute(trx);
      for (const row of rows.rows) {
        if (!row.value) continue;
        const resealed = newBox.seal(oldBox.open(row.value));
        await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${resealed} where id = ${row.id}`.execute(trx);
        count++;
      }
    }
    return count;
  });
}
