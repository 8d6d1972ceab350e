import { randomUUID } from 'node:crypto';
import { Client, types } from 'cassandra-driver';
import { migrateSchema, parseReplication } from '../../src/cassandra/cassandra-schema';
import { cassandraClientOptions } from '../../src/cassandra/cassandra.service';
import { SnowflakeGenerator } from '../../src/ids/snowflake';
import { CassandraHistoryStore } from '../../src/messaging/history/cassandra-history.store';
import { bucketOf } from '../../src/messaging/history/history.store';
import type { Message } from '../../src/messaging/message';
import { cassandraTestConfig, startCassandraService, tablesContaining } from '../support/cassandra';
import { describeWith } from '../support/services';
import { historyContract } from './history.contract';

describeWith(['cassandra'], 'history contract: Cassandra adapter', ({ cassandra }) => {
  historyContract(async () => {
    const s = await startCassandraService(cassandra);
    return {
      store: new CassandraHistoryStore(s.service),
      close: () => s.close(),
      tablesContaining: (text) => tablesContaining(s.service.client, s.config.cassandra.keyspace, text),
    };
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

/** The tables as the version before the change log created them (git show 276494d~1:src/cassandra/cassandra-schema.ts). */
const LEGACY_TABLES = (ks: string) => [
  `CREATE TABLE ${ks}.messages_by_channel (
    channel_id text, bucket int, message_id bigint,
    channel_type text, sender_id text, content text, client_msg_id text, created_at timestamp,
    PRIMARY KEY ((channel_id, bucket), message_id)
  ) WITH CLUSTERING ORDER BY (message_id DESC)`,
  `CREATE TABLE ${ks}.inbox_by_user (
    user_id text, bucket int, message_id bigint,
    channel_id text, channel_type text, sender_id text, content text, client_msg_id text, created_at timestamp,
    PRIMARY KEY ((user_id, bucket), message_id)
  ) WITH CLUSTERING ORDER BY (message_id ASC)`,
  `CREATE TABLE ${ks}.channel_buckets (
    channel_id text, bucket int, PRIMARY KEY ((channel_id), bucket)
  ) WITH CLUSTERING ORDER BY (bucket DESC)`,
  `CREATE TABLE ${ks}.user_buckets (
    user_id text, bucket int, PRIMARY KEY ((user_id), bucket)
  ) WITH CLUSTERING ORDER BY (bucket ASC)`,
  `CREATE TABLE ${ks}.send_dedupe (
    sender_id text, client_msg_id text, message_id bigint, channel_id text, created_at timestamp,
    PRIMARY KEY ((sender_id, client_msg_id))
  ) WITH default_time_to_live = 86400`,
];

describeWith(['cassandra'], 'Cassandra keyspace of the version before the change log', ({ cassandra }) => {
  const config = cassandraTestConfig(cassandra);
  const ks = config.cassandra.keyspace;
  const admin = new Client(cassandraClientOptions(config.cassandra));
  const [alice, bob] = [randomUUID(), randomUUID()];
  const ids = new SnowflakeGenerator(3);
  const old = (content: string): Message => ({
    id: ids.next().toString(),
    channelId: `dm:${[alice, bob].sort().join(':')}`,
    channelType: 'dm',
    senderId: alice,
    content,
    clientMsgId: randomUUID(),
    createdAt: new Date(Date.now() - 60_000).toISOString(),
  });
  const [kept, erased] = [old('written before the change'), old(`secret ${randomUUID()}`)];
  let s: Awaited<ReturnType<typeof startCassandraService>>;
  let store: CassandraHistoryStore;

  /** Rows as the old adapter wrote them: the message, its bucket index, and a full copy per inbox. */
  async function writeOldRows(m: Message): Promise<void> {
    const bucket = bucketOf(m.id);
    const row = [m.channelType, m.senderId, m.content, m.clientMsgId, new Date(m.createdAt)];
    const q = (cql: string, params: unknown[]) => admin.execute(cql, params, { prepare: true });
    await q(
      `INSERT INTO ${ks}.messages_by_channel (channel_id, bucket, message_id, channel_type, sender_id, content, client_msg_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [m.channelId, bucket, types.Long.fromString(m.id), ...row],
    );
    await q(`INSERT INTO ${ks}.channel_buckets (channel_id, bucket) VALUES (?, ?)`, [m.channelId, bucket]);
    for (const user of [alice, bob]) {
      await q(
        `INSERT INTO ${ks}.inbox_by_user (user_id, bucket, message_id, channel_id, channel_type, sender_id, content, client_msg_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [user, bucket, types.Long.fromString(m.id), m.channelId, ...row],
      );
      await q(`INSERT INTO ${ks}.user_buckets (user_id, bucket) VALUES (?, ?)`, [user, bucket]);
    }
  }

  beforeAll(async () => {
    await admin.connect();
    await admin.execute(
      `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    for (const cql of LEGACY_TABLES(ks)) await admin.execute(cql);
    for (const m of [kept, erased]) await writeOldRows(m);
  });
  afterAll(async () => {
    await s?.close();
    await admin.shutdown();
  });

  it('upgrades in place with migrateSchema, once: a second run issues no DDL', async () => {
    expect(await migrateSchema(admin, config.cassandra)).toEqual({
      applied: true,
      replicationMismatch: undefined,
    });
    expect(await migrateSchema(admin, config.cassandra)).toEqual({
      applied: false,
      replicationMismatch: undefined,
    });
    s = await startCassandraService(cassandra, config); // migrates on start: nothing left to do
    store = new CassandraHistoryStore(s.service);
  });

  it('reads and syncs the messages stored before the change', async () => {
    const ref = (m: Message) => ({ channelId: m.channelId, id: m.id });
    const entry = (m: Message) => ({
      changeId: m.id,
      kind: 'new',
      channelId: m.channelId,
      channelType: 'dm',
      messageId: m.id,
    });
    expect(await store.changesAfter(bob, undefined, 10)).toEqual([entry(kept), entry(erased)]);
    expect(await store.changesAfter(alice, kept.id, 10)).toEqual([entry(erased)]);
    expect(await store.getMessages([ref(kept)])).toEqual([kept]);
    expect(await store.channelPage(kept.channelId, undefined, 10)).toEqual([erased, kept]);
  });

  it('edits, erases and reacts on old messages, with no copy of the erased text left in any table', async () => {
    const change = ids.next().toString();
    await store.updateContent(erased.channelId, erased.id, {
      content: '',
      deletedAt: new Date().toISOString(),
    });
    await store.appendChange([alice, bob], {
      changeId: change,
      kind: 'delete',
      channelId: erased.channelId,
      channelType: 'dm',
      messageId: erased.id,
    });
    await store.setReaction(
      { channelId: kept.channelId, id: kept.id },
      {
        emoji: '👍',
        userId: bob,
        active: true,
        changeId: ids.next().toString(),
      },
    );
    expect((await store.changesAfter(bob, erased.id, 10)).map((e) => [e.kind, e.messageId])).toEqual([
      ['delete', erased.id],
    ]);
    const page = await store.channelPage(kept.channelId, undefined, 10);
    expect(page.map((m) => [m.content, m.reactions])).toEqual([
      ['', undefined],
      [kept.content, [{ emoji: '👍', userIds: [bob] }]],
    ]);
    expect(await tablesContaining(admin, ks, erased.content)).toEqual([]);
    expect(await tablesContaining(admin, ks, kept.content)).toEqual(['messages_by_channel']);
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
