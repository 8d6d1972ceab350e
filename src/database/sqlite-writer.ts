import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';

/** The part of better-sqlite3's API the embedded adapters read with. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface SqliteDb {
  prepare(sql: string): SqliteStatement;
}

/**
 * One write: statements run with each row of parameters, then an optional read inside the same transaction.
 * A write is atomic: when one of its statements fails, none of them is kept.
 */
export interface WriteOp {
  steps: { sql: string; rows: unknown[][] }[];
  read?: { sql: string; params: unknown[] };
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The writer thread: its own connection to the same file, one transaction per batch. Plain JS evaluated in
 * the worker, so it runs the same under ts-jest/SWC as from dist/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 10000');
const stmts = [];
// Called inside the batch's transaction, each op runs in its own savepoint: all of its steps or none.
const runOp = db.transaction((op) => {
  for (const step of op.steps) { const s = stmts[step.s]; for (const row of step.rows) s.run(...row); }
  return op.read ? stmts[op.read.s].get(...op.read.params) : undefined;
});
parentPort.on('message', ({ defs, ops }) => {
  const results = [];
  try {
    for (const [id, sql] of defs) stmts[id] = db.prepare(sql);
    db.transaction(() => {
      for (const op of ops) {
        try { results.push({ ok: true, value: runOp(op) }); }
        catch (e) { results.push({ ok: false, error: String((e && e.message) || e) }); }
      }
    })();
    parentPort.postMessage({ results });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
});
`;

interface Pending {
  op: WriteOp;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for the embedded SQLite store, off the event loop. Writes queue up while the writer thread
 * commits the previous batch; each batch is ONE transaction, so one fsync (`synchronous=FULL`) covers every
 * send that arrived meanwhile. A caller's promise resolves only after its batch is on disk, so an ack still
 * means "durably stored". Reads use the main connection (WAL lets them run beside the writer).
 */
@Injectable()
export class SqliteWriter implements OnApplicationShutdown {
  private readonly db: SqliteDb;
  private readonly worker: Worker;
  private queue: Pending[] = [];
  private inFlight: Pending[] | undefined;
  private readonly statements = new Map<string, SqliteStatement>();
  /** Statements the writer thread has prepared, by id: each SQL text crosses the thread boundary once. */
  private readonly writerStatements = new Map<string, number>();
  private newDefs: [number, string][] = [];

  constructor(@InjectDataSource() ds: DataSource) {
    if (ds.options.type !== 'better-sqlite3') throw new Error('SqliteWriter needs the embedded SQLite store');
    this.db = (ds.driver as unknown as { databaseConnection: SqliteDb }).databaseConnection;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [], // no --require preloads (profilers, agents) in the writer thread
      workerData: { driver: require.resolve('better-sqlite3'), file: ds.options.database },
    });
    this.worker.unref();
    this.worker.on('message', (reply: { results?: Outcome[]; error?: string }) => this.settle(reply));
    this.worker.on('error', (e) => this.failAll(e));
  }

  /** A prepared statement on the main (reading) connection, prepared once. */
  statement(sql: string): SqliteStatement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Queues a write for the next group commit; resolves with its read (if any) once the commit is on disk. */
  write<T = void>(op: WriteOp): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.inFlight) this.send();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    while (this.inFlight || this.queue.length) await new Promise((r) => setTimeout(r, 5));
    await this.worker.terminate();
  }

  private send(): void {
    if (!this.queue.length) return;
    this.inFlight = this.queue;
    this.queue = [];
    const ops = this.inFlight.map(({ op }) => ({
      steps: op.steps.map((step) => ({ s: this.writerStatement(step.sql), rows: step.rows })),
      read: op.read && { s: this.writerStatement(op.read.sql), params: op.read.params },
    }));
    this.worker.postMessage({ defs: this.newDefs, ops });
    this.newDefs = [];
  }

  private writerStatement(sql: string): number {
    let id = this.writerStatements.get(sql);
    if (id === undefined) {
      id = this.writerStatements.size;
      this.writerStatements.set(sql, id);
      this.newDefs.push([id, sql]);
    }
    return id;
  }

  private settle(reply: { results?: Outcome[]; error?: string }): void {
    const batch = this.inFlight ?? [];
    this.inFlight = undefined;
    if (reply.error !== undefined) {
      for (const p of batch) p.reject(new Error(`sqlite commit failed: ${reply.error}`));
    } else {
      batch.forEach((p, i) => {
        const o = reply.results![i];
        if (o.ok) p.resolve(o.value);
        else p.reject(new Error(o.error));
      });
    }
    this.send();
  }

  private failAll(e: unknown): void {
    for (const p of [...(this.inFlight ?? []), ...this.queue]) p.reject(e);
    this.inFlight = undefined;
    this.queue = [];
  }
}
