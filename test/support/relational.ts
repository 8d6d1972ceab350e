import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ENTITIES } from '../../src/entities';
import { runMigrationsLocked } from '../../src/database/run-migrations';
import { tempDataDir } from './app';

/** A relational store with the schema in place: Postgres at `databaseUrl`, else a fresh embedded SQLite file. */
export async function migratedDataSource(databaseUrl?: string): Promise<DataSource> {
  const ds = await new DataSource(
    dataSourceOptions({ databaseUrl, dataDir: tempDataDir(), migrateOnStart: false, entities: ENTITIES }),
  ).initialize();
  await runMigrationsLocked(ds);
  return ds;
}
