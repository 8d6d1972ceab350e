import type { DataSource } from 'typeorm';

/** Any fixed 64-bit key; every process that migrates takes the same advisory lock first. */
const MIGRATION_LOCK_KEY = 727_214_001;

/** Runs pending Postgres migrations under an advisory lock, so processes starting together do not race. */
export async function runMigrationsLocked(ds: DataSource): Promise<string[]> {
  if (ds.options.type !== 'postgres') return [];
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
