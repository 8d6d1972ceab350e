import { Client } from 'cassandra-driver';
import { migrateSchema, parseReplication } from '../../src/cassandra/cassandra-schema';
import { cassandraClientOptions } from '../../src/cassandra/cassandra.service';
import { CassandraHistoryStore } from '../../src/messaging/history/cassandra-history.store';
import { startCassandraService } from '../support/cassandra';
import { describeWith } from '../support/services';
import { historyContract } from './history.contract';

describeWith(['cassandra'], 'history contract: Cassandra adapter', ({ cassandra }) => {
  historyContract(async () => {
    const s = await startCassandraService(cassandra);
    return { store: new CassandraHistoryStore(s.service), close: () => s.close() };
  });
});

describeWith(['cassandra'], 'Cassandra schema and session', ({ cassandra }) => {
  let s: Awaited<ReturnType<typeof startCassandraService>>;
  beforeAll(async () => {
    s = await startCassandraService(cassandra);
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
