import { randomBytes } from 'node:crypto';
import { Client } from 'cassandra-driver';
import { migrateSchema, parseReplication } from '../../src/cassandra/cassandra-schema';
import { cassandraClientOptions, CassandraService } from '../../src/cassandra/cassandra.service';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Readiness } from '../../src/health/readiness';
import { CassandraHistoryStore } from '../../src/messaging/history/cassandra-history.store';
import { tempDataDir } from '../support/app';
import { describeWith } from '../support/services';
import { historyContract } from './history.contract';

/** A config for a throwaway keyspace on one test node: RF 1, consistency ONE. */
function testConfig(contactPoints: string): AppConfig {
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

async function startService(contactPoints: string) {
  const config = testConfig(contactPoints);
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

describeWith(['cassandra'], 'history contract: Cassandra adapter', ({ cassandra }) => {
  historyContract(async () => {
    const s = await startService(cassandra);
    return { store: new CassandraHistoryStore(s.service), close: () => s.close() };
  });
});

describeWith(['cassandra'], 'Cassandra schema and session', ({ cassandra }) => {
  let s: Awaited<ReturnType<typeof startService>>;
  beforeAll(async () => {
    s = await startService(cassandra);
  });
  afterAll(() => s.close());

  it('migrates idempotently: a second run on a complete keyspace issues no DDL', async () => {
    const admin = new Client(cassandraClientOptions(s.config.cassandra));
    await admin.connect();
    try {
      expect(await migrateSchema(admin, s.config.cassandra)).toEqual({
        applied: false,
        replicationMismatch: undefined,
      });
    } finally {
      await admin.shutdown();
    }
  });

  it("registers a 'cassandra' readiness check that reads the server version", async () => {
    const check = new Map(s.readiness.entries()).get('cassandra');
    expect(check).toBeDefined();
    expect(await check?.()).toEqual({
      releaseVersion: expect.stringMatching(/^\d+\.\d+/),
      keyspace: s.config.cassandra.keyspace,
    });
  });
});

describe('Cassandra replication setting', () => {
  it('parses SimpleStrategy and NetworkTopologyStrategy', () => {
    expect(parseReplication('SimpleStrategy:1')).toEqual({ class: 'SimpleStrategy', replication_factor: 1 });
    expect(parseReplication('NetworkTopologyStrategy:dc1=3:dc2=3')).toEqual({
      class: 'NetworkTopologyStrategy',
      dc1: 3,
      dc2: 3,
    });
  });

  it('rejects anything else', () => {
    for (const bad of [
      'SimpleStrategy',
      'SimpleStrategy:0',
      'NetworkTopologyStrategy',
      'NetworkTopologyStrategy:dc1',
      'Other:1',
      "NetworkTopologyStrategy:a'b=1",
    ]) {
      expect(() => parseReplication(bad)).toThrow();
    }
  });
});
