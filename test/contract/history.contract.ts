import { randomUUID } from 'node:crypto';
import { SnowflakeGenerator } from '../../src/ids/snowflake';
import { BUCKET_MS, HistoryStore } from '../../src/messaging/history/history.store';
import type { Message } from '../../src/messaging/message';

/**
 * The history port's contract. Every adapter (SQL, Cassandra) runs exactly this suite.
 * `open` returns a ready store; ids in each test are fresh, so suites may share a database.
 */
export function historyContract(open: () => Promise<{ store: HistoryStore; close(): Promise<void> }>): void {
  let store: HistoryStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await open());
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
    expect(await store.inboxAfter(user, undefined, 10)).toHaveLength(1);
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
    expect((await store.inboxAfter(user, undefined, 5)).map((m) => m.id)).toEqual(all.slice(0, 5));
    expect((await store.inboxAfter(user, all[4], 100)).map((m) => m.id)).toEqual(all.slice(5));
    expect(await store.inboxAfter(user, all[11], 100)).toEqual([]);
  });

  it('keeps every inbox copy complete (sync needs the whole message)', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const m = msg(idsAt(Date.now()).next(), channel(), {
      channelType: 'group',
      senderId: a,
      clientMsgId: 'x'.repeat(64),
    });
    await store.addToInboxes([a, b], m);
    expect(await store.inboxAfter(b, undefined, 1)).toEqual([m]);
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
      const page = await store.inboxAfter(user, after, 3);
      if (!page.length) break;
      oldestFirst.push(...page.map((m) => m.id));
      after = page[page.length - 1].id;
    }
    expect(oldestFirst).toEqual(all);
  });

  it('answers an empty channel and an empty inbox with empty pages', async () => {
    expect(await store.channelPage(channel(), undefined, 10)).toEqual([]);
    expect(await store.inboxAfter(randomUUID(), undefined, 10)).toEqual([]);
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
    expect((await store.inboxAfter(u2, undefined, 10)).map((m) => m.id)).toEqual([m2.id]);
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
    expect((await store.inboxAfter(user, a, 10)).map((m) => m.id)).toEqual([b]);
  });
}
