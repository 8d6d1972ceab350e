import { randomUUID } from 'node:crypto';
import { SqliteWriter } from '../../src/database/sqlite-writer';
import { SnowflakeGenerator } from '../../src/ids/snowflake';
import { CassandraSendDedupe } from '../../src/messaging/dedupe/cassandra-send-dedupe';
import { SqlSendDedupe } from '../../src/messaging/dedupe/sql-send-dedupe';
import { SqliteSendDedupe } from '../../src/messaging/dedupe/sqlite-send-dedupe';
import { CassandraHistoryStore } from '../../src/messaging/history/cassandra-history.store';
import { HistoryStore } from '../../src/messaging/history/history.store';
import { SqlHistoryStore } from '../../src/messaging/history/sql-history.store';
import { SqliteHistoryStore } from '../../src/messaging/history/sqlite-history.store';
import type { Message } from '../../src/messaging/message';
import { ClaimThenStore, SendStore } from '../../src/messaging/send-store/send-store';
import { SqliteSendStore } from '../../src/messaging/send-store/sqlite-send-store';
import { startCassandraService } from '../support/cassandra';
import { ConversationStore } from '../../src/conversations/conversation-store';
import { SqlConversationStore } from '../../src/conversations/sql-conversation.store';
import { SqliteConversationStore } from '../../src/conversations/sqlite-conversation.store';
import { migratedDataSource } from '../support/relational';
import { describeWith } from '../support/services';

interface Opened {
  store: SendStore;
  history: HistoryStore;
  conversations: ConversationStore;
  close(): Promise<void>;
}

/**
 * The send store's contract: the first send of a (sender, clientMsgId) stores the message with its inbox rows;
 * any later one answers with that binding and writes nothing of its own.
 */
function sendStoreContract(open: () => Promise<Opened>): void {
  let store: SendStore;
  let history: HistoryStore;
  let conversations: ConversationStore;
  let close: () => Promise<void>;
  beforeAll(async () => ({ store, history, conversations, close } = await open()));
  afterAll(() => close());

  const ids = new SnowflakeGenerator(1);
  const dm = (sender: string, to: string, clientMsgId: string): Message => ({
    id: ids.next().toString(),
    channelId: `dm:${[sender, to].sort().join(':')}`,
    channelType: 'dm',
    senderId: sender,
    content: `hello ${clientMsgId}`,
    clientMsgId,
    createdAt: new Date().toISOString(),
  });

  /** A user's change log read as sync reads it: the messages its entries concern, in change order. */
  const inbox = async (userId: string, limit: number): Promise<Message[]> => {
    const entries = await history.changesAfter(userId, undefined, limit);
    const found = await history.getMessages(
      entries.map((e) => ({ channelId: e.channelId, id: e.messageId })),
    );
    const byId = new Map(found.map((m) => [m.id, m]));
    return entries.flatMap((e) => byId.get(e.messageId) ?? []);
  };

  it('stores a new message, its channel row and every inbox row, and returns its own binding', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const m = dm(a, b, 'c1');
    expect(await store.claimAndStore(m, [a, b])).toEqual({
      id: m.id,
      channelId: m.channelId,
      createdAt: m.createdAt,
    });
    expect(await history.getMessage(m.channelId, m.id)).toEqual(m);
    expect(await inbox(a, 10)).toEqual([m]);
    expect(await inbox(b, 10)).toEqual([m]);
    // In both participants' conversation lists: unread for the recipient, not for the sender.
    expect(await conversations.get(b, m.channelId)).toMatchObject({
      lastMessageId: m.id,
      unreadCount: 1,
      peerId: a,
    });
    expect(await conversations.get(a, m.channelId)).toMatchObject({
      lastMessageId: m.id,
      unreadCount: 0,
      peerId: b,
    });
  });

  it('answers a reused clientMsgId with the first binding and writes nothing for the second message', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const first = dm(a, b, 'again');
    await store.claimAndStore(first, [a, b]);
    const second = dm(a, c, 'again');
    expect((await store.claimAndStore(second, [a, c])).id).toBe(first.id);
    expect(await history.getMessage(second.channelId, second.id)).toBeNull();
    expect(await inbox(c, 10)).toEqual([]);
    expect(await inbox(a, 10)).toEqual([first]);
    expect(await conversations.get(c, second.channelId)).toBeNull();
    expect((await conversations.get(b, first.channelId))?.unreadCount).toBe(1);
  });

  it('stores exactly one of many concurrent sends of the same clientMsgId', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const candidates = Array.from({ length: 12 }, () => dm(a, b, 'race'));
    const bound = await Promise.all(candidates.map((m) => store.claimAndStore(m, [a, b])));
    expect(new Set(bound.map((r) => r.id)).size).toBe(1);
    const stored = await inbox(b, 50);
    expect(stored.map((m) => m.id)).toEqual([bound[0].id]);
    expect((await conversations.get(b, candidates[0].channelId))?.unreadCount).toBe(1);
  });

  it('writes only the channel row when no inbox rows are asked for (a group message before its fan-out)', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const m: Message = { ...dm(a, b, 'g1'), channelId: `group:${randomUUID()}`, channelType: 'group' };
    await store.claimAndStore(m, undefined);
    expect(await history.getMessage(m.channelId, m.id)).toEqual(m);
    expect(await inbox(a, 10)).toEqual([]);
  });
}

describe('send store contract: embedded SQLite, claim and rows in one transaction', () => {
  sendStoreContract(async () => {
    const ds = await migratedDataSource();
    const writer = new SqliteWriter(ds);
    const history = new SqliteHistoryStore(writer);
    return {
      store: new SqliteSendStore(new SqliteSendDedupe(writer)),
      history,
      conversations: new SqliteConversationStore(writer),
      close: async () => {
        await writer.onApplicationShutdown();
        await ds.destroy();
      },
    };
  });
});

describeWith(['postgres'], 'send store contract: Postgres claim, then Postgres rows', (urls) => {
  sendStoreContract(async () => {
    const ds = await migratedDataSource(urls.postgres);
    const history = new SqlHistoryStore(ds);
    const conversations = new SqlConversationStore(ds);
    return {
      store: new ClaimThenStore(new SqlSendDedupe(ds), history, conversations),
      history,
      conversations,
      close: () => ds.destroy(),
    };
  });
});

describeWith(['cassandra'], 'send store contract: Cassandra claim (LWT), then Cassandra rows', (urls) => {
  sendStoreContract(async () => {
    const s = await startCassandraService(urls.cassandra);
    const history = new CassandraHistoryStore(s.service);
    // Relational beside Cassandra: the embedded file (a valid topology: Cassandra without DATABASE_URL).
    const ds = await migratedDataSource();
    const writer = new SqliteWriter(ds);
    const conversations = new SqliteConversationStore(writer);
    return {
      store: new ClaimThenStore(new CassandraSendDedupe(s.service), history, conversations),
      history,
      conversations,
      close: async () => {
        await s.close();
        await writer.onApplicationShutdown();
        await ds.destroy();
      },
    };
  });
});
