import { randomBytes } from 'node:crypto';
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

/** A started CassandraService on a fresh keyspace, dropped again by `close`. */
export async function startCassandraService(contactPoints: string) {
  const config = cassandraTestConfig(contactPoints);
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
