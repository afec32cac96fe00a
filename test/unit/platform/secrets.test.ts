import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { SEALED_COLUMNS, rotateSealedColumns } from '../../../src/rotate-key.js';
import { KEY_FILE, SecretBox, loadSecretKey } from '../../../src/platform/secrets.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { openDatabase } from '../../../src/platform/db/database.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips text and JSON, with a fresh IV each time', () => {
    const a = box.seal('p@ssw0rd ✓');
    const b = box.seal('p@ssw0rd ✓');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:/);
    expect(a).not.toContain('p@ssw0rd');
    expect(box.open(a)).toBe('p@ssw0rd ✓');
    expect(box.openJson(box.sealJson({ token: 'x', n: 1 }))).toEqual({ token: 'x', n: 1 });
    expect(box.open(box.seal(''))).toBe('');
  });

  it('detects tampering and the wrong key', () => {
    const sealed = box.seal('secret value');
    const [v, iv, tag, data] = sealed.split(':');
    const flip = (b64: string) => {
      const buf = Buffer.from(b64, 'base64');
      buf[0] ^= 1;
      return buf.toString('base64');
    };
    expect(() => box.open([v, iv, tag, flip(data)].join(':'))).toThrow();
    expect(() => box.open([v, iv, flip(tag), data].join(':'))).toThrow();
    expect(() => box.open([v, flip(iv), tag, data].join(':'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => box.open('plain text')).toThrow(/Not a sealed secret/);
    expect(() => box.open(`v2:${iv}:${tag}:${data}`)).toThrow(/Not a sealed secret/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow();
  });
});

describe('loadSecretKey', () => {
  it('uses WFA_SECRET_KEY when set, else creates a 0600 key file once and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wfa-key-'));
    try {
      const fromEnv = loadSecretKey(loadConfig({ WFA_DATA_DIR: dir, WFA_SECRET_KEY: 'cd'.repeat(32) }));
      expect(fromEnv.toString('hex')).toBe('cd'.repeat(32));
      expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);
      const first = loadSecretKey(loadConfig({ WFA_DATA_DIR: dir }));
      const second = loadSecretKey(loadConfig({ WFA_DATA_DIR: dir }));
      expect(first.equals(second)).toBe(true);
      expect(fs.statSync(path.join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
      fs.writeFileSync(path.join(dir, KEY_FILE), 'broken');
      expect(() => loadSecretKey(loadConfig({ WFA_DATA_DIR: dir }))).toThrow(/32-byte/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('files on disk', () => {
  it('a new data folder is 0700; the key file, the SQLite database and its WAL are 0600', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'wfa-perm-'));
    const dir = path.join(parent, 'data');
    const previous = process.umask(0o022); // the usual umask, which would give 0755 / 0644
    try {
      loadSecretKey(loadConfig({ WFA_DATA_DIR: dir }));
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
      const file = path.join(parent, 'db', 'wfa.db');
      const database = openDatabase({ kind: 'sqlite', file });
      await sql`create table probe (id integer primary key)`.execute(database.db);
      await sql`insert into probe (id) values (1)`.execute(database.db);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect({ f, mode: fs.statSync(f).mode & 0o777 }).toEqual({ f, mode: 0o600 });
      await database.close();
    } finally {
      process.umask(previous);
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('rotateSealedColumns', () => {
  let t: TestApp;
  const columns = [...SEALED_COLUMNS, { table: 'rotation_probe', column: 'sealed' }];
  beforeAll(async () => {
    t = await createTestApp();
    await sql`create table rotation_probe (id integer primary key, sealed text)`.execute(t.ctx.db);
  });
  afterAll(async () => {
    await t?.close();
  });

  const values = async () => (await sql<{ id: number; sealed: string | null }>`select id, sealed from rotation_probe order by id`.execute(t.ctx.db)).rows;

  it('re-encrypts every sealed value to the new key, skipping nulls', async () => {
    const oldBox = new SecretBox(randomBytes(32));
    const newBox = new SecretBox(randomBytes(32));
    await sql`insert into rotation_probe (id, sealed) values (1, ${oldBox.seal('alpha')}), (2, ${oldBox.seal('beta')}), (3, null)`.execute(t.ctx.db);
    const count = await rotateSealedColumns(t.ctx.db, oldBox, newBox, columns);
    expect(count).toBe(2);
    const rows = await values();
    expect(rows.map((r) => (r.sealed ? newBox.open(r.sealed) : null))).toEqual(['alpha', 'beta', null]);
    expect(() => oldBox.open(rows[0].sealed!)).toThrow();

    // All or nothing: a value the current key cannot open stops the rotation and nothing moves.
    const third = new SecretBox(randomBytes(32));
    await sql`insert into rotation_probe (id, sealed) values (4, ${oldBox.seal('stranger')})`.execute(t.ctx.db);
    const before = await values();
    await expect(rotateSealedColumns(t.ctx.db, newBox, third, columns)).rejects.toThrow();
    expect(await values()).toEqual(before);
  });
});
