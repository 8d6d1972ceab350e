import { randomUUID } from 'node:crypto';
import { ConversationStore } from '../../src/conversations/conversation-store';
import { SqlConversationStore } from '../../src/conversations/sql-conversation.store';
import { SqliteConversationStore } from '../../src/conversations/sqlite-conversation.store';
import { SqliteWriter } from '../../src/database/sqlite-writer';
import { SnowflakeGenerator } from '../../src/ids/snowflake';
import { migratedDataSource } from '../support/relational';
import { describeWith } from '../support/services';

/**
 * The conversation store's contract (src/conversations): counts that follow sends, deletes and reads, a marker
 * that only moves forward, list order, receipts after a cursor. Run on the embedded file and on Postgres.
 */
function conversationContract(
  open: () => Promise<{ store: ConversationStore; close(): Promise<void> }>,
): void {
  let store: ConversationStore;
  let close: () => Promise<void>;
  beforeAll(async () => ({ store, close } = await open()));
  afterAll(() => close());

  const ids = new SnowflakeGenerator(3);
  const id = () => ids.next().toString();
  const users = () => [randomUUID(), randomUUID()] as const;
  const dmOf = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);
  const dm = (from: string, to: string) => ({
    id: id(),
    channelId: dmOf(from, to),
    channelType: 'dm' as const,
    senderId: from,
  });

  it("counts a DM message for the recipient only, and a resend's second count only where the first is missing", async () => {
    const [a, b] = users();
    const m = dm(a, b);
    await store.posted(m, [a, b]);
    await store.posted(m, [a, b], true); // a resend after a complete first attempt
    expect(await store.get(b, m.channelId)).toMatchObject({ unreadCount: 1, lastMessageId: m.id, peerId: a });
    expect(await store.get(a, m.channelId)).toMatchObject({ unreadCount: 0, lastMessageId: m.id, peerId: b });
    const n = dm(b, a);
    await store.posted(n, [a, b], true); // a resend whose first attempt died before counting
    expect(await store.get(a, m.channelId)).toMatchObject({ unreadCount: 1, lastMessageId: n.id });
  });

  it('counts messages that commit out of id order, and keeps the newest as the last message', async () => {
    const [a, b] = users();
    const [older, newer] = [dm(a, b), dm(a, b)];
    await store.posted(newer, [a, b]);
    await store.posted(older, [a, b]);
    expect(await store.get(b, older.channelId)).toMatchObject({ unreadCount: 2, lastMessageId: newer.id });
  });

  it('counts every message of a burst to the same DM (one turn), each once', async () => {
    const [a, b] = users();
    const burst = Array.from({ length: 25 }, (_, i) => (i % 5 === 0 ? dm(b, a) : dm(a, b)));
    await Promise.all(burst.map((m) => store.posted(m, [a, b])));
    const newest = burst[burst.length - 1].id;
    expect(await store.get(b, burst[0].channelId)).toMatchObject({ unreadCount: 20, lastMessageId: newest });
    expect(await store.get(a, burst[0].channelId)).toMatchObject({ unreadCount: 5, lastMessageId: newest });
  });

  it('moves a marker forward only, keeping in the count what came in after the caller counted', async () => {
    const [a, b] = users();
    const ms = [dm(a, b), dm(a, b), dm(a, b)];
    for (const m of ms) await store.posted(m, [a, b]);
    const ch = ms[0].channelId;
    const move = (messageId: string, unread: number, unreadBefore: number) =>
      store.moveRead(b, ch, { messageId, changeId: id(), unread, unreadBefore });
    expect(await move(ms[0].id, 2, 3)).toBe(true);
    expect(await store.get(b, ch)).toMatchObject({ readUpTo: ms[0].id, unreadCount: 2 });
    expect(await move(ms[0].id, 0, 2)).toBe(false); // not forward
    // b's device reads the row (2 unread) and counts 1 after ms[1]; `later` comes in before its move lands
    const later = dm(a, b);
    await store.posted(later, [a, b]);
    expect(await move(ms[1].id, 1, 2)).toBe(true);
    expect(await store.get(b, ch)).toMatchObject({ readUpTo: ms[1].id, unreadCount: 2 }); // ms[2] and later
    expect(await move(later.id, 0, 2)).toBe(true);
    expect(await store.get(b, ch)).toMatchObject({ readUpTo: later.id, unreadCount: 0 });
  });

  it('keeps the marker of the later change when two moves race', async () => {
    const [a, b] = users();
    const ms = [dm(a, b), dm(a, b)];
    for (const m of ms) await store.posted(m, [a, b]);
    const ch = ms[0].channelId;
    const [c1, c2] = [id(), id()];
    // the move with the later change id lands first: the earlier one may no longer land after it
    expect(
      await store.moveRead(b, ch, { messageId: ms[1].id, changeId: c2, unread: 0, unreadBefore: 0 }),
    ).toBe(true);
    expect(
      await store.moveRead(b, ch, { messageId: ms[0].id, changeId: c1, unread: 1, unreadBefore: 0 }),
    ).toBe(false);
    const results = await Promise.all(
      [0, 1, 2, 3].map(() =>
        store.moveRead(b, ch, { messageId: ms[1].id, changeId: id(), unread: 0, unreadBefore: 0 }),
      ),
    );
    expect(results.filter(Boolean)).toEqual([]);
    expect(await store.get(b, ch)).toMatchObject({ readUpTo: ms[1].id, readChangeId: c2 });
  });

  it('uncounts a deleted message where it counted', async () => {
    const [a, b] = users();
    const ms = [dm(a, b), dm(a, b), dm(a, b)];
    for (const m of ms) await store.posted(m, [a, b]);
    const ch = ms[0].channelId;
    await store.moveRead(b, ch, { messageId: ms[1].id, changeId: id(), unread: 1, unreadBefore: 3 });
    await store.deleted(ms[0]); // already read: no change
    expect((await store.get(b, ch))?.unreadCount).toBe(1);
    await store.deleted(ms[2]);
    expect((await store.get(b, ch))?.unreadCount).toBe(0);
    expect((await store.get(a, ch))?.unreadCount).toBe(0);
  });

  it('counts a group message for members who can see it; lists newest activity first; sums the badge', async () => {
    const [a, b] = users();
    const group = randomUUID();
    const joinedLate = randomUUID();
    await store.joined(group, [a, b], '0', Date.now() - 1000);
    const first = { id: id(), channelId: group, channelType: 'group' as const, senderId: a };
    await store.posted(first, undefined);
    await store.joined(group, [joinedLate], id(), Date.now()); // sees messages from its join on
    await store.posted(first, undefined, true); // a resend: nothing more
    const d = dm(a, b);
    await store.posted(d, [a, b]);
    expect((await store.get(b, group))?.unreadCount).toBe(1);
    expect((await store.get(joinedLate, group))?.unreadCount).toBe(0);
    expect((await store.page(b, undefined, 10)).map((c) => c.channelId)).toEqual([d.channelId, group]);
    const [top] = await store.page(b, undefined, 1);
    expect((await store.page(b, top, 10)).map((c) => c.channelId)).toEqual([group]);
    expect(await store.totalUnread(b, 1000)).toBe(2);
    expect(await store.totalUnread(b, 1)).toBe(2); // each conversation capped at 1
  });

  it("answers the markers of the user's channels that moved after a cursor, oldest first", async () => {
    const [a, b] = users();
    const stranger = randomUUID();
    const m = dm(a, b);
    await store.posted(m, [a, b]);
    const elsewhere = dm(stranger, b);
    await store.posted(elsewhere, [stranger, b]);
    const start = id();
    const [cb, ca, cs] = [id(), id(), id()];
    await store.moveRead(b, m.channelId, { messageId: m.id, changeId: cb, unread: 0, unreadBefore: 0 });
    await store.moveRead(a, m.channelId, { messageId: m.id, changeId: ca, unread: 0, unreadBefore: 0 });
    await store.moveRead(stranger, elsewhere.channelId, {
      messageId: elsewhere.id,
      changeId: cs,
      unread: 0,
      unreadBefore: 0,
    });
    expect(await store.receiptsAfter(a, start, 10)).toEqual([
      { channelId: m.channelId, userId: b, messageId: m.id, changeId: cb },
      { channelId: m.channelId, userId: a, messageId: m.id, changeId: ca },
    ]);
    expect(await store.receiptsAfter(a, cb, 10)).toHaveLength(1);
    expect(await store.receiptsAfter(a, start, 1)).toHaveLength(1);
  });
}

describe('conversation store contract: embedded SQLite', () => {
  conversationContract(async () => {
    const ds = await migratedDataSource();
    const writer = new SqliteWriter(ds);
    return {
      store: new SqliteConversationStore(writer),
      close: async () => {
        await writer.onApplicationShutdown();
        await ds.destroy();
      },
    };
  });
});

describeWith(['postgres'], 'conversation store contract: Postgres', (urls) => {
  conversationContract(async () => {
    const ds = await migratedDataSource(urls.postgres);
    return { store: new SqlConversationStore(ds), close: () => ds.destroy() };
  });
});
