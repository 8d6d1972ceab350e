import { randomUUID } from 'node:crypto';
import { SqliteWriter } from '../../src/database/sqlite-writer';
import { CassandraSendDedupe } from '../../src/messaging/dedupe/cassandra-send-dedupe';
import { SendDedupe, SendRef } from '../../src/messaging/dedupe/send-dedupe';
import { SqlSendDedupe } from '../../src/messaging/dedupe/sql-send-dedupe';
import { DEDUPE_SQL, SqliteSendDedupe } from '../../src/messaging/dedupe/sqlite-send-dedupe';
import { startCassandraService } from '../support/cassandra';
import { migratedDataSource } from '../support/relational';
import { describeWith } from '../support/services';

/** The dedupe port's contract: the first claim of (sender, clientMsgId) wins, for 24 h, whatever comes later. */
function dedupeContract(open: () => Promise<{ dedupe: SendDedupe; close(): Promise<void> }>): void {
  let dedupe: SendDedupe;
  let close: () => Promise<void>;
  beforeAll(async () => ({ dedupe, close } = await open()));
  afterAll(() => close());

  const ref = (id: string, channelId = 'dm:a:b'): SendRef => ({
    id,
    channelId,
    createdAt: new Date().toISOString(),
  });

  it('binds a clientMsgId to the first candidate and answers later claims with it', async () => {
    const sender = randomUUID();
    const first = ref('1000', 'dm:x:y');
    expect(await dedupe.claim(sender, 'c1', first)).toEqual(first);
    expect(await dedupe.claim(sender, 'c1', ref('2000'))).toEqual(first);
  });

  it('keeps senders and clientMsgIds apart', async () => {
    const [s1, s2] = [randomUUID(), randomUUID()];
    expect((await dedupe.claim(s1, 'same', ref('1'))).id).toBe('1');
    expect((await dedupe.claim(s2, 'same', ref('2'))).id).toBe('2');
    expect((await dedupe.claim(s1, 'other', ref('3'))).id).toBe('3');
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const sender = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => dedupe.claim(sender, 'race', ref(String(100 + i)))),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
  });

  it('answers a claim repeated with its own candidate (a retried write) with that same binding', async () => {
    const sender = randomUUID();
    const mine = ref('4242');
    expect(await dedupe.claim(sender, 'retry', mine)).toEqual(mine);
    expect(await dedupe.claim(sender, 'retry', mine)).toEqual(mine);
  });
}

describe('send dedupe contract: embedded SQLite (group commit)', () => {
  dedupeContract(async () => {
    const ds = await migratedDataSource();
    const writer = new SqliteWriter(ds);
    return {
      dedupe: new SqliteSendDedupe(writer),
      close: async () => {
        await writer.onApplicationShutdown();
        await ds.destroy();
      },
    };
  });
});

describeWith(['postgres'], 'send dedupe contract: Postgres', ({ postgres }) => {
  dedupeContract(async () => {
    const ds = await migratedDataSource(postgres);
    return { dedupe: new SqlSendDedupe(ds), close: () => ds.destroy() };
  });
});

describeWith(['cassandra'], 'send dedupe contract: Cassandra (lightweight transaction)', ({ cassandra }) => {
  dedupeContract(async () => {
    const s = await startCassandraService(cassandra);
    return { dedupe: new CassandraSendDedupe(s.service), close: () => s.close() };
  });
});

// Without the index each sweep reads a day of sends, and on SQLite every send waits behind it.
describe('the sweep of expired bindings: embedded SQLite', () => {
  it('reads by the created_at index', async () => {
    const ds = await migratedDataSource();
    try {
      const plan = JSON.stringify(await ds.query(`EXPLAIN QUERY PLAN ${DEDUPE_SQL.sweep}`, [0]));
      expect(plan).toMatch(/USING (COVERING )?INDEX idx_send_dedupe_created/);
    } finally {
      await ds.destroy();
    }
  });
});

describeWith(['postgres'], 'the sweep of expired bindings: Postgres', ({ postgres }) => {
  it('can read by the created_at index', async () => {
    const ds = await migratedDataSource(postgres);
    const q = ds.createQueryRunner();
    try {
      // An empty table is cheapest to scan whole; asking for no sequential scan shows the index is there.
      await q.startTransaction();
      await q.query('SET LOCAL enable_seqscan = off');
      const plan = JSON.stringify(await q.query('EXPLAIN DELETE FROM send_dedupe WHERE created_at < 0'));
      expect(plan).toMatch(/idx_send_dedupe_created/);
    } finally {
      await q.rollbackTransaction();
      await q.release();
      await ds.destroy();
    }
  });
});
