import { randomBytes } from 'node:crypto';
import type { Client } from 'cassandra-driver';
import { CassandraService } from '../../src/cassandra/cassandra.service';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Readiness } from '../../src/common/readiness';
import { tempDataDir } from './app';

/** A config for a throwaway keyspace on one test node: RF 1, consistency ONE. */
export function cassandraTestConfig(contactPoints: string): AppConfig {
  return loadConfig({
    DATA_DIR: tempDataDir(),
    CASSANDRA_CONTACT_POINTS: contactPoints,
    CASSANDRA_LOCAL_DC: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
    CASSANDRA_KEYSPACE: `chat_test_${randomBytes(6).toString('hex')}`,
    CASSANDRA_REPLICATION: 'SimpleStrategy:1',
    CASSANDRA_CONSISTENCY: 'ONE',
    CASSANDRA_MIGRATE_ON_START: 'true',
  });
}

/** A started CassandraService on a fresh keyspace (or the config's), dropped again by `close`. */
export async function startCassandraService(
  contactPoints: string,
  config: AppConfig = cassandraTestConfig(contactPoints),
) {
  const readiness = new Readiness();
  const service = new CassandraService(config, readiness);
  await service.onModuleInit();
  return {
    config,
    readiness,
    service,
    async close() {
      await service.client.execute(`DROP KEYSPACE IF EXISTS ${config.cassandra.keyspace}`, [], {
        prepare: false,
      });
      await service.onApplicationShutdown();
    },
  };
}

/**
 * The tables of `keyspace` in which any text column holds a value containing `text`: a raw scan of every row,
 * past any adapter (for a test keyspace of a few thousand rows).
 */
export async function tablesContaining(client: Client, keyspace: string, text: string): Promise<string[]> {
  const cols = await client.execute(
    'SELECT table_name, column_name, type FROM system_schema.columns WHERE keyspace_name = ?',
    [keyspace],
    { prepare: true },
  );
  const textColumns = new Map<string, string[]>();
  for (const r of cols.rows) {
    if (r.get('type') !== 'text') continue;
    const table = String(r.get('table_name'));
    textColumns.set(table, [...(textColumns.get(table) ?? []), String(r.get('column_name'))]);
  }
  const found: string[] = [];
  for (const [table, columns] of textColumns) {
    const cql = `SELECT ${columns.join(', ')} FROM ${keyspace}.${table}`;
    let pageState: string | undefined;
    let hit: boolean;
    do {
      const rs = await client.execute(cql, [], { prepare: false, fetchSize: 5000, pageState });
      hit = rs.rows.some((r) => columns.some((c) => String(r.get(c) ?? '').includes(text)));
      pageState = rs.pageState ?? undefined;
    } while (pageState && !hit);
    if (hit) found.push(table);
  }
  return found.sort();
}
