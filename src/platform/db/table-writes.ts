import type { CompiledQuery, DatabaseConnection, Dialect, Driver, OperationNode, QueryResult, TransactionSettings } from 'kysely';

/**
 * Which tables this process has written, as version numbers a short-lived cache compares (the
 * session cache in auth, the integration summaries). It watches the driver, so it sees every write
 * through Kysely, whoever makes it (a service, a trigger-less store call, a test poking a row), and
 * the end of the transaction it belongs to:
 * - a table's version moves before and after each insert/update/delete on it, and again when the
 *   transaction that wrote it commits or rolls back, so a read that overlapped the write or ran
 *   before the commit is recognisably older than the data;
 * - raw SQL other than a `select`, and DDL, move every table's version.
 * Writes by another process are invisible here: caches bound that with their own short TTL.
 */
export class TableWrites {
  #all = 0;
  readonly #tables = new Map<string, number>();

  /** A number that changes whenever any of these tables may have changed in this process. */
  version(...tables: string[]): number {
    let v = this.#all;
    for (const t of tables) v += this.#tables.get(t) ?? 0;
    return v;
  }

  bump(tables: readonly string[] | 'all'): void {
    if (tables === 'all') {
      this.#all++;
      return;
    }
    for (const t of tables) this.#tables.set(t, (this.#tables.get(t) ?? 0) + 1);
  }

  /** Wraps a dialect so every query and transaction through it is watched. */
  watch(dialect: Dialect): Dialect {
    return {
      createAdapter: () => dialect.createAdapter(),
      createIntrospector: (db) => dialect.createIntrospector(db),
      createQueryCompiler: () => dialect.createQueryCompiler(),
      createDriver: () => new WatchedDriver(dialect.createDriver(), this),
    };
  }
}

/** The tables a query writes: [] for a read, 'all' when it cannot tell. */
export function writtenTables(node: OperationNode, sqlText: string): readonly string[] | 'all' {
  switch (node.kind) {
    case 'SelectQueryNode':
      return [];
    case 'InsertQueryNode':
      return tablesIn((node as { into?: OperationNode }).into);
    case 'UpdateQueryNode':
      return tablesIn((node as { table?: OperationNode }).table);
    case 'DeleteQueryNode':
      return tablesIn((node as { from?: { froms?: readonly OperationNode[] } }).from?.froms);
    case 'RawNode':
      return /^\s*(select|pragma|explain)\b/i.test(sqlText) ? [] : 'all';
    default:
      return 'all';
  }
}

function tablesIn(nodes: OperationNode | readonly OperationNode[] | undefined): readonly string[] | 'all' {
  const list = !nodes ? [] : Array.isArray(nodes) ? nodes : [nodes as OperationNode];
  const names: string[] = [];
  for (let n of list) {
    if (n.kind === 'AliasNode') n = (n as unknown as { node: OperationNode }).node;
    const name = n.kind === 'TableNode' ? (n as unknown as { table: { identifier: { name: string } } }).table.identifier.name : undefined;
    if (!name) return 'all';
    names.push(name);
  }
  return names.length ? names : 'all';
}

class WatchedConnection implements DatabaseConnection {
  /** Tables written in the open transaction, bumped again when it ends. */
  readonly pending = new Set<string>();
  inTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly writes: TableWrites,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const tables = writtenTables(compiled.query, compiled.sql);
    if (tables !== 'all' && !tables.length) return this.inner.executeQuery<R>(compiled);
    this.writes.bump(tables);
    if (this.inTransaction) {
      if (tables === 'all') this.pending.add('*');
      else for (const t of tables) this.pending.add(t);
    }
    try {
      return await this.inner.executeQuery<R>(compiled);
    } finally {
      this.writes.bump(tables);
    }
  }

  streamQuery<R>(compiled: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(compiled, chunkSize);
  }

  endTransaction(): void {
    this.inTransaction = false;
    if (!this.pending.size) return;
    this.writes.bump(this.pending.has('*') ? 'all' : [...this.pending]);
    this.pending.clear();
  }
}

class WatchedDriver implements Driver {
  readonly #wrapped = new WeakMap<DatabaseConnection, WatchedConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly writes: TableWrites,
  ) {
    if (inner.savepoint) this.savepoint = (c, name, compile) => inner.savepoint!((c as WatchedConnection).inner, name, compile);
    if (inner.rollbackToSavepoint) this.rollbackToSavepoint = (c, name, compile) => inner.rollbackToSavepoint!((c as WatchedConnection).inner, name, compile);
    if (inner.releaseSavepoint) this.releaseSavepoint = (c, name, compile) => inner.releaseSavepoint!((c as WatchedConnection).inner, name, compile);
  }

  savepoint?: Driver['savepoint'];
  rollbackToSavepoint?: Driver['rollbackToSavepoint'];
  releaseSavepoint?: Driver['releaseSavepoint'];

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.inner.acquireConnection();
    let c = this.#wrapped.get(inner);
    if (!c) this.#wrapped.set(inner, (c = new WatchedConnection(inner, this.writes)));
    return c;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction((connection as WatchedConnection).inner, settings);
    (connection as WatchedConnection).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.commitTransaction((connection as WatchedConnection).inner);
    } finally {
      (connection as WatchedConnection).endTransaction();
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction((connection as WatchedConnection).inner);
    } finally {
      (connection as WatchedConnection).endTransaction();
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as WatchedConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
