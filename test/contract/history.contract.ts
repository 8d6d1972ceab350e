import { randomUUID } from 'node:crypto';
import { SnowflakeGenerator } from '../../src/ids/snowflake';
import { BUCKET_MS, ChangeEntry, HistoryStore } from '../../src/messaging/history/history.store';
import type { Message } from '../../src/messaging/message';

export interface OpenedHistory {
  store: HistoryStore;
  close(): Promise<void>;
  /** The tables of this store in which any text column holds `text` (read raw, past the adapter). */
  tablesContaining(text: string): Promise<string[]>;
}

/**
 * The history port's contract. Every adapter (SQL, Cassandra) runs exactly this suite.
 * `open` returns a ready store; ids in each test are fresh, so suites may share a database.
 */
export function historyContract(open: () => Promise<OpenedHistory>): void {
  let store: HistoryStore;
  let close: () => Promise<void>;
  let tablesContaining: (text: string) => Promise<string[]>;
  beforeAll(async () => {
    ({ store, close, tablesContaining } = await open());
  });
  afterAll(() => close());

  /** Ids at chosen wall-clock times, so tests can put messages in different 10-day buckets. */
  const idsAt = (startMs: number) => {
    let now = startMs;
    const gen = new SnowflakeGenerator(7, () => now);
    return { next: () => gen.next().toString(), jump: (ms: number) => (now += ms) };
  };

  const msg = (id: string, channelId: string, over: Partial<Message> = {}): Message => ({
    id,
    channelId,
    channelType: 'dm',
    senderId: 'sender-1',
    content: `content of ${id}`,
    clientMsgId: `c-${id}`,
    createdAt: new Date(1_764_000_000_000).toISOString(),
    ...over,
  });

  const channel = () => `dm:${randomUUID()}:${randomUUID()}`.slice(0, 80);

  /** The message ids of a user's change log after a cursor, as sync pages through it. */
  const inboxIds = async (user: string, after: string | undefined, limit: number) =>
    (await store.changesAfter(user, after, limit)).map((e) => e.messageId);

  const newEntry = (m: Message): ChangeEntry => ({
    changeId: m.id,
    kind: 'new',
    channelId: m.channelId,
    channelType: m.channelType,
    messageId: m.id,
  });

  it('stores a message and reads it back by id, exactly', async () => {
    const ch = channel();
    const ids = idsAt(Date.now());
    const m = msg(ids.next(), ch, {
      content: 'héllo 👋 \u0001 "quoted" \\ \n',
      createdAt: new Date().toISOString(),
    });
    await store.saveMessage(m);
    expect(await store.getMessage(ch, m.id)).toEqual({
      ...m,
      createdAt: new Date(Date.parse(m.createdAt)).toISOString(),
    });
    expect(await store.getMessage(ch, ids.next())).toBeNull();
  });

  it('treats a rewrite of the same id as the same row', async () => {
    const ch = channel();
    const user = randomUUID();
    const id = idsAt(Date.now()).next();
    await store.saveMessage(msg(id, ch));
    await store.saveMessage(msg(id, ch));
    await store.addToInboxes([user], msg(id, ch));
    await store.addToInboxes([user], msg(id, ch));
    expect(await store.channelPage(ch, undefined, 10)).toHaveLength(1);
    expect(await store.changesAfter(user, undefined, 10)).toHaveLength(1);
  });

  it('pages a channel newest first with `before`, with no gap or repeat', async () => {
    const ch = channel();
    const ids = idsAt(Date.now() - 60_000);
    const all: string[] = [];
    for (let i = 0; i < 25; i++) {
      const id = ids.next();
      all.push(id);
      await store.saveMessage(msg(id, ch));
    }
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await store.channelPage(ch, before, 10);
      if (!page.length) break;
      seen.push(...page.map((m) => m.id));
      before = page[page.length - 1].id;
    }
    expect(seen).toEqual([...all].reverse());
  });

  it('reads an inbox after a cursor, oldest first', async () => {
    const user = randomUUID();
    const ids = idsAt(Date.now() - 60_000);
    const all: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = ids.next();
      all.push(id);
      await store.addToInboxes([user, randomUUID()], msg(id, channel()));
    }
    expect(await inboxIds(user, undefined, 5)).toEqual(all.slice(0, 5));
    expect(await inboxIds(user, all[4], 100)).toEqual(all.slice(5));
    expect(await store.changesAfter(user, all[11], 100)).toEqual([]);
  });

  it('records a new message in each change log as a `new` entry whose change id is the message id', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const m = msg(idsAt(Date.now()).next(), `g:${randomUUID()}`, {
      channelType: 'group',
      senderId: a,
      clientMsgId: 'x'.repeat(64),
    });
    await store.saveMessage(m);
    await store.addToInboxes([a, b], m);
    expect(await store.changesAfter(b, undefined, 10)).toEqual([newEntry(m)]);
    expect(await store.getMessages([{ channelId: m.channelId, id: m.id }])).toEqual([m]);
  });

  it('pages across 10-day buckets, skipping empty ones, in both directions', async () => {
    const ch = channel();
    const user = randomUUID();
    const ids = idsAt(Date.now() - 200 * 24 * 3600 * 1000); // about 20 buckets ago
    const all: string[] = [];
    for (const gapBuckets of [0, 1, 0, 7, 3, 0, 5]) {
      ids.jump(gapBuckets * BUCKET_MS + 1000);
      const id = ids.next();
      all.push(id);
      await store.saveMessage(msg(id, ch));
      await store.addToInboxes([user], msg(id, ch));
    }
    const newestFirst: string[] = [];
    let before: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await store.channelPage(ch, before, 2);
      if (!page.length) break;
      newestFirst.push(...page.map((m) => m.id));
      before = page[page.length - 1].id;
    }
    expect(newestFirst).toEqual([...all].reverse());

    const oldestFirst: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await store.changesAfter(user, after, 3);
      if (!page.length) break;
      oldestFirst.push(...page.map((e) => e.messageId));
      after = page[page.length - 1].changeId;
    }
    expect(oldestFirst).toEqual(all);
  });

  it('answers an empty channel and an empty inbox with empty pages', async () => {
    expect(await store.channelPage(channel(), undefined, 10)).toEqual([]);
    expect(await store.changesAfter(randomUUID(), undefined, 10)).toEqual([]);
  });

  it('keeps channels and users apart', async () => {
    const [c1, c2] = [channel(), channel()];
    const [u1, u2] = [randomUUID(), randomUUID()];
    const ids = idsAt(Date.now());
    const m1 = msg(ids.next(), c1);
    const m2 = msg(ids.next(), c2);
    await Promise.all([
      store.saveMessage(m1),
      store.saveMessage(m2),
      store.addToInboxes([u1], m1),
      store.addToInboxes([u2], m2),
    ]);
    expect((await store.channelPage(c1, undefined, 10)).map((m) => m.id)).toEqual([m1.id]);
    expect(await inboxIds(u2, undefined, 10)).toEqual([m2.id]);
  });

  it('orders 64-bit ids numerically, not as text or as doubles', async () => {
    const ch = channel();
    const user = randomUUID();
    // Same millisecond, different sequence numbers: these differ only below 2^53's precision.
    const ids = idsAt(Date.now());
    const a = ids.next();
    const b = ids.next();
    expect(Number(a)).toBe(Number(b)); // as doubles they are equal
    await store.saveMessage(msg(b, ch));
    await store.saveMessage(msg(a, ch));
    await store.addToInboxes([user], msg(b, ch));
    await store.addToInboxes([user], msg(a, ch));
    expect((await store.channelPage(ch, undefined, 10)).map((m) => m.id)).toEqual([b, a]);
    expect(await inboxIds(user, a, 10)).toEqual([b]);
  });

  it('edits a message in place: every read answers the new content and editedAt', async () => {
    const ch = channel();
    const ids = idsAt(Date.now());
    const m = msg(ids.next(), ch);
    await store.saveMessage(m);
    const editedAt = new Date().toISOString();
    await store.updateContent(ch, m.id, { content: 'fixed the typo', editedAt });
    const edited = { ...m, content: 'fixed the typo', editedAt };
    expect(await store.getMessage(ch, m.id)).toEqual(edited);
    expect(await store.getMessages([{ channelId: ch, id: m.id }])).toEqual([edited]);
    expect(await store.channelPage(ch, undefined, 10)).toEqual([edited]);
    // an update of a message that is not stored creates nothing
    const ghost = ids.next();
    await store.updateContent(ch, ghost, { content: 'x', editedAt });
    expect(await store.getMessage(ch, ghost)).toBeNull();
    expect(await store.channelPage(ch, undefined, 10)).toEqual([edited]);
  });

  it('erases a deleted message: a tombstone everywhere, its text in no table', async () => {
    const ch = channel();
    const [a, b] = [randomUUID(), randomUUID()];
    const secret = `secret ${randomUUID()}`;
    const m = msg(idsAt(Date.now()).next(), ch, { content: secret });
    await store.saveMessage(m);
    await store.addToInboxes([a, b], m);
    expect(await tablesContaining(secret)).not.toEqual([]); // the scan finds what is there
    const deletedAt = new Date().toISOString();
    await store.updateContent(ch, m.id, { content: '', deletedAt });
    const tombstone = { ...m, content: '', deletedAt };
    expect(await store.getMessage(ch, m.id)).toEqual(tombstone);
    expect(await store.channelPage(ch, undefined, 10)).toEqual([tombstone]);
    expect(await tablesContaining(secret)).toEqual([]);
  });

  it('appends changes of every kind to change logs, read in change order with the message they concern', async () => {
    const ch = channel();
    const [a, b] = [randomUUID(), randomUUID()];
    const ids = idsAt(Date.now() - 60_000);
    const [m1, m2] = [msg(ids.next(), ch), msg(ids.next(), ch)];
    for (const m of [m1, m2]) {
      await store.saveMessage(m);
      await store.addToInboxes([a, b], m);
    }
    const change = (kind: ChangeEntry['kind'], m: Message): ChangeEntry => ({
      changeId: ids.next(),
      kind,
      channelId: ch,
      channelType: 'dm',
      messageId: m.id,
    });
    const [edit, reaction, del] = [change('edit', m1), change('reaction', m2), change('delete', m1)];
    for (const e of [edit, reaction, del]) await store.appendChange([a, b], e);
    await store.appendChange([a], del); // idempotent per (user, change id)
    expect(await store.changesAfter(a, undefined, 10)).toEqual([
      newEntry(m1),
      newEntry(m2),
      edit,
      reaction,
      del,
    ]);
    expect(await store.changesAfter(b, m2.id, 2)).toEqual([edit, reaction]);
    expect(await store.changesAfter(b, reaction.changeId, 10)).toEqual([del]);
  });

  it('keeps reactions per user and emoji, in the order users reacted, and turns them off and on', async () => {
    const ch = channel();
    const ids = idsAt(Date.now());
    const m = msg(ids.next(), ch);
    await store.saveMessage(m);
    const ref = { channelId: ch, id: m.id };
    const [u1, u2, u3] = [randomUUID(), randomUUID(), randomUUID()];
    const react = (emoji: string, userId: string, active = true) =>
      store.setReaction(ref, { emoji, userId, active, changeId: ids.next() });
    await react('👍', u2);
    await react('🎉', u1);
    await react('👍', u1);
    await react('👍', u3);
    expect((await store.getMessage(ch, m.id))?.reactions).toEqual([
      { emoji: '👍', userIds: [u2, u1, u3] },
      { emoji: '🎉', userIds: [u1] },
    ]);
    await react('👍', u2, false);
    await react('🎉', u1, false);
    await react('🎉', u3, false); // was never on: nothing changes
    expect(await store.getMessages([ref])).toEqual([
      { ...m, reactions: [{ emoji: '👍', userIds: [u1, u3] }] },
    ]);
    await react('👍', u2); // back, now the latest
    await react('👍', u1, false);
    await react('👍', u3, false);
    expect((await store.channelPage(ch, undefined, 1))[0].reactions).toEqual([
      { emoji: '👍', userIds: [u2] },
    ]);
    await react('👍', u2, false);
    expect(await store.getMessage(ch, m.id)).toEqual(m); // no reactions: no key
  });

  it('counts reactions written at the same moment by different members, and reads 100 x 20 in full', async () => {
    const ch = channel();
    const ids = idsAt(Date.now());
    const m = msg(ids.next(), ch);
    await store.saveMessage(m);
    const members = Array.from({ length: 100 }, () => randomUUID());
    const emoji = Array.from({ length: 20 }, (_, i) => `e${i}`);
    const writes = emoji.flatMap((e) => members.map((u) => ({ e, u, changeId: ids.next() })));
    await Promise.all(
      writes.map((w) =>
        store.setReaction(
          { channelId: ch, id: m.id },
          { emoji: w.e, userId: w.u, active: true, changeId: w.changeId },
        ),
      ),
    );
    const read = (await store.getMessage(ch, m.id))!.reactions!;
    expect(read.map((r) => r.emoji)).toEqual(emoji);
    for (const r of read) expect(r.userIds).toEqual(members);
  });

  it("counts unread in a range: others' messages, not deleted, across buckets, up to a cap", async () => {
    const ch = channel();
    const ids = idsAt(Date.now() - 3 * BUCKET_MS);
    const ms: Message[] = [];
    for (let i = 0; i < 12; i++) {
      if (i % 4 === 0) ids.jump(BUCKET_MS); // spread over several 10-day buckets
      const id = ids.next();
      ms.push(msg(id, ch, { senderId: i % 3 === 0 ? 'reader' : 'other' }));
    }
    for (const m of ms) await store.saveMessage(m);
    await store.updateContent(ch, ms[5].id, { content: '', deletedAt: new Date().toISOString() });
    const count = (after: number, upTo: number, cap = 1000) =>
      store.countUnread(ch, { after: ms[after].id, upTo: ms[upTo].id, readerId: 'reader', cap });
    // after m0 up to m11: 11 messages, minus the reader's (3, 6, 9) and the deleted one (5)
    expect(await count(0, 11)).toBe(7);
    expect(await count(0, 4)).toBe(3); // 1, 2, 4
    expect(await count(10, 11)).toBe(1);
    expect(await count(11, 11)).toBe(0);
    expect(await count(0, 11, 2)).toBe(2);
  });

  it('reads the current state of many messages across channels at once, leaving unknown ones out', async () => {
    const ids = idsAt(Date.now());
    const ms = Array.from({ length: 30 }, (_, i) =>
      msg(ids.next(), i % 3 ? channel() : `g:${i}-${randomUUID()}`),
    );
    for (const m of ms) await store.saveMessage(m);
    await store.updateContent(ms[4].channelId, ms[4].id, { content: 'edited', editedAt: ms[4].createdAt });
    const refs = [
      ...ms.map((m) => ({ channelId: m.channelId, id: m.id })),
      { channelId: channel(), id: ids.next() },
    ];
    const got = await store.getMessages(refs);
    const byId = new Map(got.map((m) => [m.id, m]));
    expect(got).toHaveLength(30);
    expect(byId.get(ms[4].id)).toEqual({ ...ms[4], content: 'edited', editedAt: ms[4].createdAt });
    expect(byId.get(ms[5].id)).toEqual(ms[5]);
    expect(await store.getMessages([])).toEqual([]);
  });
}
