import type { ChatMessage, ChatSocket, Conversation, MessageUpdate, ReadSignal } from '@chat-server/client';
import { ChatApiError } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, devicesPerTest, Inbox, TestUser, uniqueName } from '../support/builders';

/**
 * The conversation list, read markers, receipts and unread counts (DESIGN.md section 6b) on every stack,
 * driven over REST and Socket.IO as a client would.
 */
describe.each(e2eStacks('conversations e2e'))('conversations and read markers ($name)', ({ env }) => {
  let app: RunningApp;
  let a: TestUser;
  let b: TestUser;
  const device = devicesPerTest(() => app.url);

  beforeAll(async () => {
    app = await startApp(env);
  });
  beforeEach(async () => {
    [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
  });
  afterAll(() => app.close());

  const send = async (from: ChatSocket, target: { to?: string; channelId?: string }, content: string) => {
    const ack = await from.send({ clientMsgId: uniqueName('c'), ...target, content });
    if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
    return ack.message;
  };
  const watchReads = (s: ChatSocket) => {
    const reads = new Inbox<ReadSignal>();
    s.onRead(reads.push);
    return reads;
  };
  const list = async (u: TestUser, q = {}) => (await u.http.listConversations(q)).channels;
  const find = async (u: TestUser, channelId: string): Promise<Conversation | undefined> =>
    (await list(u)).find((c) => c.channelId === channelId);
  const status = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof ChatApiError ? e.status : e),
    );

  it('lists a DM once it has a message, for both participants, with peer, last message and unread count', async () => {
    const [a1] = await Promise.all([device(a)]);
    expect(await list(b)).toEqual([]);
    const m1 = await send(a1, { to: b.user.id }, 'hello');
    const m2 = await send(a1, { to: b.user.id }, 'are you there?');
    const forB = await find(b, m1.channelId);
    expect(forB).toEqual({
      channelId: m1.channelId,
      channelType: 'dm',
      name: a.user.displayName,
      peer: { id: a.user.id, username: a.user.username, displayName: a.user.displayName },
      lastMessage: m2,
      unreadCount: 2,
      readUpTo: null,
      lastActivityAt: m2.createdAt,
    });
    // The sender's own messages are not unread for them.
    expect(await find(a, m1.channelId)).toMatchObject({
      name: b.user.displayName,
      peer: { id: b.user.id },
      unreadCount: 0,
      lastMessage: { id: m2.id },
    });
  });

  it('lists a group from its creation (no message: lastActivityAt is the join), newest activity first', async () => {
    const c = await aUser(app.http);
    const [a1, c1] = await Promise.all([device(a), device(c)]);
    const before = Date.now();
    const g = await a.http.createGroup({ name: 'Weekend plans', memberIds: [b.user.id, c.user.id] });
    const empty = await find(b, g.id);
    expect(empty).toMatchObject({
      channelType: 'group',
      name: 'Weekend plans',
      peer: null,
      lastMessage: null,
      unreadCount: 0,
      readUpTo: null,
    });
    expect(Date.parse(empty!.lastActivityAt)).toBeGreaterThanOrEqual(before - 1000);
    const dm = await send(a1, { to: b.user.id }, 'dm first');
    const inGroup = await send(c1, { channelId: g.id }, 'then the group');
    expect((await list(b)).map((x) => x.channelId)).toEqual([g.id, dm.channelId]);
    expect((await find(b, g.id))?.lastMessage).toEqual(inGroup);
    await send(a1, { to: b.user.id }, 'dm again');
    expect((await list(b)).map((x) => x.channelId)).toEqual([dm.channelId, g.id]);
  });

  it('pages the list with limit and nextBefore, and refuses a malformed cursor', async () => {
    const others = await Promise.all([1, 2, 3, 4, 5].map(() => aUser(app.http)));
    const b1 = await device(b);
    for (const o of others) await send(b1, { to: o.user.id }, `hi ${o.user.username}`);
    const newestFirst = [...others].reverse().map((o) => o.user.id);
    const first = await b.http.listConversations({ limit: 2 });
    const second = await b.http.listConversations({ limit: 2, before: first.nextBefore! });
    const third = await b.http.listConversations({ limit: 2, before: second.nextBefore! });
    expect(third.nextBefore).toBeNull();
    const seen = [...first.channels, ...second.channels, ...third.channels].map((x) => x.peer!.id);
    expect(seen).toEqual(newestFirst);
    expect(await status(b.http.listConversations({ before: 'not-a-cursor' }))).toBe(400);
    expect(await status(b.http.listConversations({ limit: 101 }))).toBe(400);
  });

  it('moves a read marker forward only, emits `read` to every device of both users, and recounts unread', async () => {
    const [a1, a2, b1, b2] = await Promise.all([device(a), device(a), device(b), device(b)]);
    const [ra1, ra2, rb1, rb2] = [a1, a2, b1, b2].map(watchReads);
    const ms: ChatMessage[] = [];
    for (let i = 1; i <= 4; i++) ms.push(await send(a1, { to: b.user.id }, `m${i}`));
    const channelId = ms[0].channelId;
    expect((await find(b, channelId))?.unreadCount).toBe(4);

    // b reads up to m2 on one device: the others see it, unread counts what is after it
    expect(await b1.read({ channelId, messageId: ms[1].id })).toEqual({ ok: true });
    const expected = { channelId, userId: b.user.id, messageId: ms[1].id };
    for (const r of [ra1, ra2, rb1, rb2]) expect((await r.atLeast(1))[0]).toMatchObject(expected);
    const changeId = rb2.items[0].changeId;
    expect(BigInt(changeId)).toBeGreaterThan(BigInt(ms[3].id));
    expect(await find(b, channelId)).toMatchObject({ readUpTo: ms[1].id, unreadCount: 2 });

    // an older or equal message is accepted and changes nothing (no event)
    expect(await b2.read({ channelId, messageId: ms[0].id })).toEqual({ ok: true });
    await b.http.markRead(channelId, ms[1].id);
    // up to the newest: zero unread; the only further event is this one
    await b.http.markRead(channelId, ms[3].id);
    const [, latest] = await rb1.atLeast(2);
    expect(latest).toMatchObject({ channelId, userId: b.user.id, messageId: ms[3].id });
    expect(rb1.items).toHaveLength(2);
    expect(await find(b, channelId)).toMatchObject({ readUpTo: ms[3].id, unreadCount: 0 });
    // a's own marker is a's, untouched
    expect(await find(a, channelId)).toMatchObject({ readUpTo: null, unreadCount: 0 });
  });

  it('answers not_found, forbidden and bad_request for reads outside the rules', async () => {
    const [a1, b1] = await Promise.all([device(a), device(b)]);
    const outsider = await aUser(app.http);
    const o1 = await device(outsider);
    const m = await send(a1, { to: b.user.id }, 'hi');
    const other = await send(a1, { to: outsider.user.id }, 'elsewhere');
    const code = async (p: Promise<unknown>) => ((await p) as { error?: { code: string } }).error?.code;
    expect(await code(b1.read({ channelId: m.channelId, messageId: other.id }))).toBe('not_found');
    expect(await code(b1.read({ channelId: m.channelId, messageId: '12345' }))).toBe('not_found');
    expect(await code(o1.read({ channelId: m.channelId, messageId: m.id }))).toBe('forbidden');
    expect(await code(b1.raw('read', { channelId: m.channelId, messageId: 'abc' }))).toBe('bad_request');
    expect(await code(b1.raw('read', { channelId: m.channelId }))).toBe('bad_request');
    expect(await status(b.http.markRead(m.channelId, other.id))).toBe(404);
    expect(await status(outsider.http.markRead(m.channelId, m.id))).toBe(403);
    expect(await status(b.http.call('POST', `/api/channels/${m.channelId}/read`, { messageId: 7 }))).toBe(
      400,
    );
  });

  it('carries the latest marker per (channel, user) in sync receipts, in change order with the messages', async () => {
    const [a1] = await Promise.all([device(a)]);
    const m1 = await send(a1, { to: b.user.id }, 'one');
    const m2 = await send(a1, { to: b.user.id }, 'two');
    const start = (await a.http.sync()).cursor;
    await b.http.markRead(m1.channelId, m1.id);
    await b.http.markRead(m1.channelId, m2.id);
    await a.http.markRead(m1.channelId, m2.id);
    const m3 = await send(a1, { to: b.user.id }, 'three');
    const page = await a.http.sync({ after: start });
    expect(page.messages.map((m) => m.id)).toEqual([m3.id]);
    expect(page.receipts).toEqual([
      { channelId: m1.channelId, userId: b.user.id, messageId: m2.id },
      { channelId: m1.channelId, userId: a.user.id, messageId: m2.id },
    ]);
    expect(page.hasMore).toBe(false);
    expect(BigInt(page.cursor)).toBeGreaterThanOrEqual(BigInt(m3.id));
    // page by page: a limit of 1 walks the same log one change at a time, nothing twice, nothing lost
    const walked: string[] = [];
    let after = start;
    for (let i = 0; i < 10; i++) {
      const p = await a.http.sync({ after, limit: 1 });
      walked.push(...p.messages.map((m) => `m:${m.content}`), ...p.receipts.map((r) => `r:${r.userId}`));
      after = p.cursor;
      if (!p.hasMore) break;
    }
    expect(walked).toEqual([`r:${b.user.id}`, `r:${a.user.id}`, 'm:three']);
    // the same on the socket
    const s = await a1.sync({ after: start });
    expect(s).toMatchObject({ ok: true, receipts: page.receipts });
  });

  it('a deleted message stops counting as unread; an edit shows in the list', async () => {
    const [a1] = await Promise.all([device(a)]);
    const m1 = await send(a1, { to: b.user.id }, 'first');
    const m2 = await send(a1, { to: b.user.id }, 'second');
    expect((await find(b, m1.channelId))?.unreadCount).toBe(2);
    await a.http.deleteMessage(m1.channelId, m1.id);
    await a.http.deleteMessage(m1.channelId, m1.id); // twice: the same tombstone, counted once
    expect((await find(b, m1.channelId))?.unreadCount).toBe(1);
    await a.http.editMessage(m2.channelId, m2.id, 'second, edited');
    expect((await find(b, m2.channelId))?.lastMessage).toMatchObject({ content: 'second, edited' });
    await a.http.deleteMessage(m2.channelId, m2.id);
    expect(await find(b, m2.channelId)).toMatchObject({
      unreadCount: 0,
      lastMessage: { id: m2.id, content: '' },
    });
  });

  it('in a group: receipts reach every member, a late joiner counts from the join, a removed member loses the group', async () => {
    const c = await aUser(app.http);
    const [a1, b1, c1] = await Promise.all([device(a), device(b), device(c)]);
    const [ra, rc] = [a1, c1].map(watchReads);
    const g = await a.http.createGroup({ name: 'receipts', memberIds: [b.user.id] });
    const early = await send(a1, { channelId: g.id }, 'before c joined');
    await a.http.addGroupMembers(g.id, [c.user.id]);
    const late = await send(b1, { channelId: g.id }, 'after c joined');
    expect((await find(c, g.id))?.unreadCount).toBe(1);
    expect((await find(a, g.id))?.unreadCount).toBe(1);
    expect(await c1.read({ channelId: g.id, messageId: early.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await c1.read({ channelId: g.id, messageId: late.id })).toEqual({ ok: true });
    expect((await ra.atLeast(1))[0]).toMatchObject({
      channelId: g.id,
      userId: c.user.id,
      messageId: late.id,
    });
    expect((await rc.atLeast(1))[0]).toMatchObject({ userId: c.user.id });
    expect((await find(c, g.id))?.unreadCount).toBe(0);

    const cursor = (await c.http.sync()).cursor;
    await a.http.removeGroupMember(g.id, c.user.id);
    expect(await find(c, g.id)).toBeUndefined();
    await b.http.markRead(g.id, late.id);
    // c, removed, gets no receipt of the group in sync from then on
    expect((await c.http.sync({ after: cursor })).receipts).toEqual([]);
    expect((await a.http.sync({ after: cursor })).receipts).toEqual([
      { channelId: g.id, userId: b.user.id, messageId: late.id },
    ]);
  });

  it('message:updated and read events move a device cursor that sync accepts', async () => {
    const [a1, b1] = await Promise.all([device(a), device(b)]);
    const updates = new Inbox<MessageUpdate>();
    b1.onUpdated(updates.push);
    const reads = watchReads(b1);
    const m = await send(a1, { to: b.user.id }, 'cursor');
    await b1.read({ channelId: m.channelId, messageId: m.id });
    const [r] = await reads.atLeast(1);
    expect((await b.http.sync({ after: r.changeId })).receipts).toEqual([]);
    await a1.react({ channelId: m.channelId, messageId: m.id, emoji: '👍' });
    const [u] = await updates.atLeast(1);
    expect(BigInt(u.changeId)).toBeGreaterThan(BigInt(r.changeId));
  });
});
