import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The part of better-sqlite3's API the embedded adapters use. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
export interface SqliteDb {
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): () => T;
}

interface Pending {
  work: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for the embedded SQLite store. Every write asked for in the same turn of the event loop runs
 * in ONE transaction, so many concurrent sends share one fsync (`synchronous=FULL`) instead of paying one
 * each; a caller's promise resolves only after that commit, so an ack still means "on disk". Reads go straight
 * to the connection (WAL lets them run beside the writer).
 */
@Injectable()
export class SqliteWriter {
  readonly db: SqliteDb;
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(@InjectDataSource() ds: DataSource) {
    if (ds.options.type !== 'better-sqlite3') throw new Error('SqliteWriter needs the embedded SQLite store');
    this.db = (ds.driver as unknown as { databaseConnection: SqliteDb }).databaseConnection;
  }

  /** A prepared statement, prepared once. */
  statement(sql: string): SqliteStatement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs `work` inside the next group commit; resolves with its result once the commit is on disk. */
  write<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.db.transaction(() => {
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, value: p.work() });
          } catch (e) {
            outcomes.push({ ok: false, value: e });
          }
        }
      })();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    batch.forEach((p, i) => (outcomes[i].ok ? p.resolve(outcomes[i].value) : p.reject(outcomes[i].value)));
  }
}
