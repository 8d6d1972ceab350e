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
/** The writer's answer for the oldest `batches` batches it was sent: one outcome per write, in order. */
interface Reply {
  batches: number;
  results?: Outcome[];
  error?: string;
}

/**
 * The writer thread: its own connection to the same file. Plain JS evaluated in the worker, so it runs the
 * same under SWC (tests) as from dist/. When it is free it takes every batch waiting on its port and commits
 * them in one transaction: the commit (and its fsync) covers everything that arrived during the last one.
 * Each write is atomic: the transaction runs without savepoints, and only if a write fails is it rolled back
 * and run again with one savepoint per write, so the failed one alone is left out.
 */
const WORKER_SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 10000');
const stmts = [];
const apply = (op) => {
  for (const step of op.steps) { const s = stmts[step.s]; for (const row of step.rows) s.run(...row); }
  return op.read ? stmts[op.read.s].get(...op.read.params) : undefined;
};
const inSavepoint = db.transaction(apply);
const fast = db.transaction((ops) => ops.map((op) => ({ ok: true, value: apply(op) })));
const careful = db.transaction((ops) => ops.map((op) => {
  try { return { ok: true, value: inSavepoint(op) }; }
  catch (e) { return { ok: false, error: String((e && e.message) || e) }; }
}));
parentPort.on('message', (first) => {
  const batches = [first];
  for (let m = receiveMessageOnPort(parentPort); m; m = receiveMessageOnPort(parentPort)) batches.push(m.message);
  try {
    for (const b of batches) for (const [id, sql] of b.defs) stmts[id] = db.prepare(sql);
    const ops = batches.flatMap((b) => b.ops);
    let results;
    try { results = fast(ops); } catch { results = careful(ops); }
    parentPort.postMessage({ batches: batches.length, results });
  } catch (e) {
    parentPort.postMessage({ batches: batches.length, error: String((e && e.message) || e) });
  }
});
`;

interface Pending {
  op: WriteOp;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for the embedded SQLite store, off the event loop. The writes of one event-loop turn go to the
 * writer thread together; the thread commits whatever has arrived each time it is free (see WORKER_SOURCE),
 * so one fsync (`synchronous=FULL`) covers every send that came in meanwhile. A caller's promise resolves
 * only after its commit is on disk, so an ack still means "durably stored". Reads use the main connection
 * (WAL lets them run beside the writer).
 */
@Injectable()
export class SqliteWriter implements OnApplicationShutdown {
  private readonly db: SqliteDb;
  private readonly worker: Worker;
  /** Writes of this event-loop turn, not yet handed to the writer thread. */
  private queue: Pending[] = [];
  /** Batches handed over and not yet answered, oldest first. */
  private posted: Pending[][] = [];
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
    this.worker.on('message', (reply: Reply) => this.settle(reply));
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
      if (!this.queue.length) setImmediate(() => this.post());
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    while (this.posted.length || this.queue.length) await new Promise((r) => setTimeout(r, 5));
    await this.worker.terminate();
  }

  private post(): void {
    if (!this.queue.length) return;
    const batch = this.queue;
    this.queue = [];
    this.posted.push(batch);
    const ops = batch.map(({ op }) => ({
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

  private settle(reply: Reply): void {
    const settled = this.posted.splice(0, reply.batches).flat();
    if (reply.error !== undefined) {
      for (const p of settled) p.reject(new Error(`sqlite commit failed: ${reply.error}`));
      return;
    }
    settled.forEach((p, i) => {
      const o = reply.results![i];
      if (o.ok) p.resolve(o.value);
      else p.reject(new Error(o.error));
    });
  }

  private failAll(e: unknown): void {
    for (const p of [...this.posted.flat(), ...this.queue]) p.reject(e);
    this.posted = [];
    this.queue = [];
  }
}
