import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { dependencies } from '../common/dependency-state';
import { MIGRATIONS } from './migrations';
import { RawSqlite, upgradeEmbeddedFile } from './sqlite-upgrades';

export const PG_CONNECT_TIMEOUT_MS = 2_000;

export interface RelationalTarget {
  /** Postgres URL; absent means the embedded SQLite file in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  migrateOnStart: boolean;
  /** The entity classes of every feature; composed at the root (src/entities.ts), not known here. */
  entities: DataSourceOptions['entities'];
}

/**
 * Postgres is migrated by versioned migrations (run by `npm run migration:run` and, unless disabled, at
 * start-up). The embedded SQLite file is a single-process store whose schema follows the entities, after the
 * upgrades `synchronize` cannot make (sqlite-upgrades.ts).
 */
export function dataSourceOptions(target: RelationalTarget): DataSourceOptions {
  if (target.databaseUrl) {
    return {
      type: 'postgres',
      url: target.databaseUrl,
      entities: target.entities,
      migrations: MIGRATIONS,
      migrationsRun: target.migrateOnStart,
      migrationsTransactionMode: 'each',
      synchronize: false,
      // A request during an outage fails (`unavailable`) within 2 s instead of waiting for a connection forever
      // (pg's default). It bounds the wait for a free pool slot too: 20 connections busy for 2 s is an outage.
      connectTimeoutMS: PG_CONNECT_TIMEOUT_MS,
      // Idle connections that die (Postgres stopped or restarted) are dropped by the pool and reported once.
      poolErrorHandler: (e: unknown) => dependencies.down('postgres', e),
      extra: { max: 20 },
    };
  }
  mkdirSync(target.dataDir, { recursive: true });
  return {
    type: 'better-sqlite3',
    database: join(target.dataDir, 'chat.sqlite'),
    entities: target.entities,
    synchronize: true,
    enableWAL: true,
    // Before synchronize (TypeORM calls this on opening the file): the upgrades synchronize cannot make.
    prepareDatabase: (db: RawSqlite & { pragma(s: string): unknown }) => {
      upgradeEmbeddedFile(db);
      // NORMAL: a commit does not fsync inside the synchronous call on the event loop. A committed write is
      // answered only after WalSync's fdatasync of the WAL on the thread pool (EmbeddedDurability), so what
      // is answered survives a power loss as with FULL. Checkpoints run on the writer thread, not here.
      db.pragma('synchronous = NORMAL');
      db.pragma('wal_autocheckpoint = 0');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}
