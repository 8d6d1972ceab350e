import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { TurnBatch, Waiter } from '../common/turn-batch';

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
 *
 * A conditional write names its `claim` step (an upsert that changes no row when someone else holds what it
 * claims). When the claim changes a row, every step runs and the write answers `undefined`, with no read;
 * when it changes none, the steps after it are skipped and `read` answers (who holds the claim).
 */
export interface WriteOp {
  steps: { sql: string; rows: unknown[][] }[];
  claim?: number;
  read?: { sql: string; params: unknown[] };
}

/**
 * The writer's answer for the oldest `batches` batches it was sent: one value per write, in order, and the
 * writes that failed, by index. Or `error` when the whole commit failed.
 */
interface Reply {
  batches: number;
  values?: unknown[];
  failed?: [number, string][];
  error?: string;
}

/**
 * The writer thread: its own connection to the same file. Plain JS evaluated in the worker, so it runs the
 * same under SWC (tests) as from dist/. When it is free it takes every batch waiting on its port and commits
 * them in one transaction: the commit (and its fsync) covers everything that arrived during the last one.
 * Each write is atomic: the transaction runs without savepoints, and only if a write fails is it rolled back
 * and run again with one savepoint per write, so the failed one alone is left out.
 *
 * A batch's writes arrive as one flat array of values (see encode()): one structured clone of primitives
 * instead of a tree of small objects per write. Per write:
 *   claim step (-1: none), step count, then per step: statement id, row count, row width, the values row by
 *   row; then the read's statement id (-1: none), its parameter count and parameters.
 */
const WORKER_SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 10000');
const stmts = [];
// Runs the write at f[at]; returns its value. The caller skips past it with next().
const apply = (f, at) => {
  let i = at;
  const claim = f[i++], steps = f[i++];
  let held = false;
  for (let j = 0; j < steps && !held; j++) {
    const s = stmts[f[i++]], rows = f[i++], width = f[i++];
    for (let r = 0; r < rows; r++, i += width) {
      const changes = s.run(f.slice(i, i + width)).changes;
      if (j === claim && changes === 0) held = true;
    }
  }
  if (claim >= 0 && !held) return undefined;
  const i2 = skipSteps(f, at);
  const read = f[i2], n = f[i2 + 1];
  return read >= 0 ? stmts[read].get(f.slice(i2 + 2, i2 + 2 + n)) : undefined;
};
const skipSteps = (f, at) => {
  let i = at + 1;
  const steps = f[i++];
  for (let j = 0; j < steps; j++) { i++; const rows = f[i++], width = f[i++]; i += rows * width; }
  return i;
};
const next = (f, at) => { const i = skipSteps(f, at); return i + 2 + f[i + 1]; };
const inSavepoint = db.transaction(apply);
const fast = db.transaction((writes) => {
  const values = [];
  for (const f of writes) for (let at = 0; at < f.length; at = next(f, at)) values.push(apply(f, at));
  return values;
});
const careful = db.transaction((writes) => {
  const values = [], failed = [];
  for (const f of writes) for (let at = 0; at < f.length; at = next(f, at)) {
    try { values.push(inSavepoint(f, at)); }
    catch (e) { failed.push([values.length, String((e && e.message) || e)]); values.push(undefined); }
  }
  return { values, failed };
});
parentPort.on('message', (first) => {
  const batches = [first];
  for (let m = receiveMessageOnPort(parentPort); m; m = receiveMessageOnPort(parentPort)) batches.push(m.message);
  try {
    for (const b of batches) for (const [id, sql] of b.defs) stmts[id] = db.prepare(sql);
    const writes = batches.map((b) => b.writes);
    let reply;
    try { reply = { values: fast(writes) }; } catch { reply = careful(writes); }
    parentPort.postMessage({ batches: batches.length, ...reply });
  } catch (e) {
    parentPort.postMessage({ batches: batches.length, error: String((e && e.message) || e) });
  }
});
`;

interface Pending extends Waiter<unknown> {
  op: WriteOp;
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
  private readonly queue = new TurnBatch<Pending>((batch) => this.post(batch));
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
    for (const step of op.steps)
      if (step.rows.some((row) => row.length !== step.rows[0].length))
        return Promise.reject(new Error('SqliteWriter: the rows of one step must have the same width'));
    return new Promise<T>((resolve, reject) => {
      this.queue.add({ op, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    while (this.posted.length || this.queue.size) await new Promise((r) => setTimeout(r, 5));
    await this.worker.terminate();
  }

  private post(batch: Pending[]): void {
    if (!batch.length) return;
    this.posted.push(batch);
    const writes: unknown[] = [];
    for (const { op } of batch) this.encode(op, writes);
    this.worker.postMessage({ defs: this.newDefs, writes });
    this.newDefs = [];
  }

  /** Appends a write to the batch's flat array, in the layout WORKER_SOURCE reads. */
  private encode(op: WriteOp, out: unknown[]): void {
    out.push(op.claim ?? -1, op.steps.length);
    for (const step of op.steps) {
      const width = step.rows.length ? step.rows[0].length : 0;
      out.push(this.writerStatement(step.sql), step.rows.length, width);
      for (const row of step.rows) for (let k = 0; k < width; k++) out.push(row[k]);
    }
    if (op.read) out.push(this.writerStatement(op.read.sql), op.read.params.length, ...op.read.params);
    else out.push(-1, 0);
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
    const failed = new Map(reply.failed);
    settled.forEach((p, i) => {
      const error = failed.get(i);
      if (error === undefined) p.resolve(reply.values![i]);
      else p.reject(new Error(error));
    });
  }

  private failAll(e: unknown): void {
    for (const p of [...this.posted.flat(), ...this.queue.take()]) p.reject(e);
    this.posted = [];
  }
}
