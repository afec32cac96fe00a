import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { decodeKey, loadConfig } from './config.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { SEALED_COLUMNS } from './platform/sealed-columns.js';
import { SecretBox, loadSecretKey } from './platform/secrets.js';

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
  const count = await rotateSealedColumns(database.db as never, oldBox, newBox);
  await database.close();
  console.log(`Re-encrypted ${count} stored secret(s). Now start the server with WFA_SECRET_KEY set to the new key${config.secretKey ? '' : ' (and delete data/secret.key)'}.`);
  return 0;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- sealed columns live in every module's tables, which the platform cannot name
export async function rotateSealedColumns(db: import('kysely').Kysely<any>, oldBox: SecretBox, newBox: SecretBox): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let count = 0;
    for (const { table, column } of SEALED_COLUMNS) {
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
