import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { open, FileHandle } from 'node:fs/promises';
import { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Durability for the embedded file's main connection without blocking the event loop. Its commits run at
 * `synchronous = NORMAL` (no fsync inside the synchronous better-sqlite3 call); a committed write then waits
 * for an fdatasync of the WAL file on libuv's thread pool before it is answered. fsync is per file, not per
 * descriptor, so one fdatasync covers every commit appended before it started: concurrent writes share one.
 */
export class WalSync {
  private file?: Promise<FileHandle>;
  /** The fdatasync under way, and the one queued behind it for commits it may have started too early for. */
  private running?: Promise<void>;
  private queued?: Promise<void>;

  constructor(private readonly walPath: string) {}

  /** Resolves once everything committed before the call is on disk. */
  durable(): Promise<void> {
    if (!this.running) return this.start();
    const restart = (): Promise<void> => {
      this.queued = undefined;
      return this.start();
    };
    this.queued ??= this.running.then(restart, restart);
    return this.queued;
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await (await file?.catch(() => undefined))?.close();
  }

  private start(): Promise<void> {
    const run = this.sync().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  protected async sync(): Promise<void> {
    // Opened on first use: the WAL file exists once the connection has committed in WAL mode.
    this.file ??= open(this.walPath, 'r');
    try {
      await (await this.file).datasync();
    } catch (e) {
      this.file = undefined;
      throw e;
    }
  }
}

const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

/**
 * Makes every committed TypeORM write on the embedded main connection wait for WalSync before its query
 * resolves: COMMIT, or a write outside a transaction. TypeORM awaits a subscriber's afterQuery promise inside
 * `query()`, so no repository needs to know.
 */
export class DurableCommits implements EntitySubscriberInterface {
  constructor(private readonly wal: WalSync) {}

  afterQuery(event: { query: string; success: boolean; queryRunner: QueryRunner }): Promise<void> | void {
    if (!event.success) return;
    if (event.query === 'COMMIT' || (!event.queryRunner.isTransactionActive && WRITE.test(event.query)))
      return this.wal.durable();
  }
}

/** Attaches DurableCommits to the embedded DataSource when the app starts, and closes the WAL file at the end. */
@Injectable()
export class EmbeddedDurability implements OnApplicationShutdown {
  private readonly wal: WalSync;

  constructor(@InjectDataSource() ds: DataSource) {
    this.wal = new WalSync(`${String(ds.options.database)}-wal`);
    ds.subscribers.push(new DurableCommits(this.wal));
  }

  onApplicationShutdown(): Promise<void> {
    return this.wal.close();
  }
}
