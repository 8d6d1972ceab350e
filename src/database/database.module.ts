import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { EventEmitter } from 'node:events';
import { dependencies } from '../common/dependency-state';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, RelationalTarget } from './data-source-options';
import { runMigrationsLocked } from './run-migrations';
import { SqliteWriter } from './sqlite-writer';
import { EmbeddedDurability } from './wal-sync';

/**
 * A new pool connection means Postgres answers again: the pool reconnects by itself on the next query after
 * an outage (its dead connections were dropped), and that tells the dependency-state tracker it is back.
 */
function watchPool(ds: DataSource): void {
  if (ds.options.type !== 'postgres') return;
  const pool = (ds.driver as unknown as { master: EventEmitter }).master;
  pool.on('connect', () => dependencies.up('postgres'));
}

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, entities: RelationalTarget['entities']): DynamicModule {
    const options = dataSourceOptions({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      migrateOnStart: false,
      entities,
    });
    // The embedded file's one writer thread, shared by every adapter that writes it (two would fight for its lock),
    // and the durability of the main connection's own commits (wal-sync.ts).
    const embedded = options.type === 'better-sqlite3';
    return {
      module: DatabaseModule,
      global: true,
      providers: embedded ? [SqliteWriter, EmbeddedDurability] : [],
      exports: embedded ? [SqliteWriter] : [],
      imports: [
        TypeOrmModule.forRootAsync({
          // A store that is down at start-up fails the start quickly and visibly instead of retrying for minutes.
          useFactory: () => ({ ...options, retryAttempts: 2, retryDelay: 500 }),
          dataSourceFactory: async (opts) => {
            const ds = await new DataSource(opts as DataSourceOptions).initialize();
            watchPool(ds);
            if (config.migrateOnStart) await runMigrationsLocked(ds);
            return ds;
          },
        }),
      ],
    };
  }
}
