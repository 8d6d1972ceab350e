import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { TurnBatch, Waiter } from '../common/turn-batch';
import {
  encodeWrite,
  FlatWrites,
  WriteOp,
  WriterBatch,
  WriterData,
  WriterReply,
} from './sqlite-writer.protocol';

export type { WriteOp } from './sqlite-writer.protocol';

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
 * The writer thread's file beside this one: .js from dist/, .ts from the sources (under Jest), where a
 * preload compiles it on the fly.
 */
const WORKER_FILE = join(__dirname, `sqlite-writer.worker${extname(__filename)}`);
const WORKER_PRELOAD = WORKER_FILE.endsWith('.ts') ? ['--require', join(__dirname, 'ts-worker-hook.js')] : [];

interface Pending extends Waiter<unknown> {
  op: WriteOp;
}

/**
 * Group commit for the embedded SQLite store, off the event loop. The writes of one event-loop turn go to the
 * writer thread together; the thread commits whatever has arrived each time it is free (sqlite-writer.worker.ts),
 * so one fsync (of the WAL, after the commit) covers every send that came in meanwhile. A caller's promise resolves
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
    const workerData: WriterData = { driver: require.resolve('better-sqlite3'), file: ds.options.database };
    this.worker = new Worker(WORKER_FILE, {
      // Not the process's own --require preloads (profilers, agents); only the .ts hook under Jest.
      execArgv: WORKER_PRELOAD,
      workerData,
    });
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => this.settle(reply));
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
    const writes: FlatWrites = [];
    for (const { op } of batch) encodeWrite(op, this.writerStatement, writes);
    this.worker.postMessage({ defs: this.newDefs, writes } satisfies WriterBatch);
    this.newDefs = [];
  }

  private readonly writerStatement = (sql: string): number => {
    let id = this.writerStatements.get(sql);
    if (id === undefined) {
      id = this.writerStatements.size;
      this.writerStatements.set(sql, id);
      this.newDefs.push([id, sql]);
    }
    return id;
  };

  private settle(reply: WriterReply): void {
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
