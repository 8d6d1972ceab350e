/** `npm run migration:run`: applies pending Postgres migrations and exits. */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsLocked } from './run-migrations';

async function main(): Promise<void> {
  const config = loadConfig(process.env); // eslint-disable-line no-restricted-properties
  if (!config.databaseUrl) {
    console.log('DATABASE_URL is not set: the embedded SQLite store needs no migrations.');
    return;
  }
  const ds = await new DataSource(
    dataSourceOptions({ ...config, migrateOnStart: false, entities: [] }),
  ).initialize();
  try {
    const ran = await runMigrationsLocked(ds);
    console.log(ran.length ? `applied: ${ran.join(', ')}` : 'no pending migrations');
  } finally {
    await ds.destroy();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
