/** The history adapters the history benches run against, each on a throwaway store. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { ENTITIES } from '../src/entities';
import { Readiness } from '../src/common/readiness';
import { CassandraHistoryStore } from '../src/messaging/history/cassandra-history.store';
import { HistoryStore } from '../src/messaging/history/history.store';
import { SqlHistoryStore } from '../src/messaging/history/sql-history.store';
import { CassandraService } from '../src/cassandra/cassandra.service';

export interface Target {
  adapter: string;
  store: HistoryStore;
  details: Record<string, unknown>;
  close(): Promise<void>;
}

async function cassandraTarget(env: Record<string, string | undefined>): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const only = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('CASSANDRA_')));
  const config = loadConfig({
    ...only,
    DATA_DIR: dataDir,
    CASSANDRA_KEYSPACE: `chat_bench_${randomBytes(4).toString('hex')}`,
    CASSANDRA_MIGRATE_ON_START: 'true',
  });
  if (!config.cassandra.contactPoints.length)
    throw new Error('set CASSANDRA_CONTACT_POINTS for the cassandra run');
  const service = new CassandraService(config, new Readiness());
  await service.onModuleInit();
  const c = config.cassandra;
  return {
    adapter: 'cassandra',
    store: new CassandraHistoryStore(service),
    details: { contactPoints: c.contactPoints, consistency: c.consistency, replication: c.replication },
    async close() {
      await service.client.execute(`DROP KEYSPACE IF EXISTS ${c.keyspace}`, [], { prepare: false });
      await service.onApplicationShutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function sqliteTarget(): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const ds = await new DataSource(
    dataSourceOptions({ dataDir, migrateOnStart: false, entities: ENTITIES }),
  ).initialize();
  return {
    adapter: 'sqlite',
    store: new SqlHistoryStore(ds),
    details: { file: 'embedded SQLite (WAL, synchronous=FULL)' },
    async close() {
      await ds.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function openTarget(adapter: string | undefined): Promise<Target> {
  if (adapter === 'cassandra') return cassandraTarget(process.env); // eslint-disable-line no-restricted-properties
  if (adapter === 'sqlite') return sqliteTarget();
  throw new Error(`unknown adapter ${adapter}; use cassandra, sqlite or all`);
}
