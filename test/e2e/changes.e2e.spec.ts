import type { ChatMessage, MessageUpdate } from '@chat-server/client';
import { ChatApiError, ChatSocket } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, devicesPerTest, Inbox, TestUser, uniqueName } from '../support/builders';

/**
 * Edits, deletes and reactions on the per-user change log (DESIGN.md section 6b), over REST and Socket.IO,
 * on every stack: who may do what, the errors, `message:updated` to every device of every member, idempotent
 * retries, and a device that was offline across the changes syncing each message once in its final state.
 */
const ok = <T extends { ok: boolean }>(ack: T): Extract<T, { ok: true }> => {
  expect(ack).toMatchObject({ ok: true });
  return ack as Extract<T, { ok: true }>;
};
const updatesOf = (s: ChatSocket) => {
  const box = new Inbox<MessageUpdate>();
  s.onUpdated(box.push);
  return box;
};
async function expectApiError(p: Promise<unknown>, status: number, code: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ChatApiError);
  expect(e).toMatchObject({ status, code });
}

describe.each(e2eStacks('message changes e2e'))('edits, deletes and reactions ($name)', ({ env }) => {
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

  const sendDm = async (from: ChatSocket, to: TestUser, content = 'hello') =>
    ok(await from.send({ clientMsgId: uniqueName('c'), to: to.user.id, content })).message;

  it('edits by the sender only, emits message:updated to every device of both, and syncs the new state', async () => {
    const [a1, a2, b1] = await Promise.all([device(a), device(a), device(b)]);
    const [upA1, upA2, upB1] = [a1, a2, b1].map(updatesOf);
    const m = await sendDm(a1, b, 'helo');
    const { message: edited } = ok(
      await a1.edit({ channelId: m.channelId, messageId: m.id, content: 'hello' }),
    );
    expect(edited).toEqual({ ...m, content: 'hello', editedAt: expect.any(String) });
    expect(Date.parse(edited.editedAt!)).toBeGreaterThanOrEqual(Date.parse(m.createdAt));
    for (const box of [upA1, upA2, upB1]) {
      const [u] = await box.atLeast(1);
      expect(u.message).toEqual(edited);
      expect(BigInt(u.changeId)).toBeGreaterThan(BigInt(m.id));
    }
    // the same edit again changes nothing and emits nothing
    expect(ok(await a1.edit({ channelId: m.channelId, messageId: m.id, content: 'hello' })).message).toEqual(
      edited,
    );
    // the recipient may not edit; REST says the same
    expect(await b1.edit({ channelId: m.channelId, messageId: m.id, content: 'mine now' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await expectApiError(b.http.editMessage(m.channelId, m.id, 'mine now'), 403, 'forbidden');
    const viaRest = await a.http.editMessage(m.channelId, m.id, 'hello there');
    expect(viaRest).toMatchObject({ id: m.id, content: 'hello there' });
    expect((await b.http.history(m.channelId)).messages).toEqual([viaRest]);
    expect((await upB1.atLeast(2)).map((u) => u.message.content)).toEqual(['hello', 'hello there']);
  });

  it('checks an edit like a send and answers not_found, forbidden and bad_request as section 7 says', async () => {
    const [a1] = await Promise.all([device(a)]);
    const m = await sendDm(a1, b);
    const c = await aUser(app.http);
    expect(await a1.edit({ channelId: m.channelId, messageId: m.id, content: '' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(
      await a1.edit({ channelId: m.channelId, messageId: m.id, content: 'x'.repeat(100_001) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'too_large' },
    });
    expect(
      ok(await a1.edit({ channelId: m.channelId, messageId: m.id, content: '😀'.repeat(100_000) })).message
        .content,
    ).toHaveLength(200_000);
    expect(await a1.edit({ channelId: m.channelId, messageId: '12345', content: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(
      await a1.raw('message:edit', { channelId: m.channelId, messageId: 'abc', content: 'x' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await a1.raw('message:edit', 'nope')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // not a participant of the channel
    await expectApiError(c.http.editMessage(m.channelId, m.id, 'x'), 403, 'forbidden');
    await expectApiError(c.http.deleteMessage(m.channelId, m.id), 403, 'forbidden');
    await expectApiError(c.http.addReaction(m.channelId, m.id, '👍'), 403, 'forbidden');
  });

  it('deletes: a tombstone for everyone, not an error twice, and no edit or reaction after it', async () => {
    const [a1, b1] = await Promise.all([device(a), device(b)]);
    const upB = updatesOf(b1);
    const m = await sendDm(a1, b, 'take this back');
    await expectApiError(b.http.deleteMessage(m.channelId, m.id), 403, 'forbidden');
    const { message: tomb } = ok(await a1.delete({ channelId: m.channelId, messageId: m.id }));
    expect(tomb).toEqual({ ...m, content: '', deletedAt: expect.any(String) });
    expect((await upB.atLeast(1))[0].message).toEqual(tomb);
    expect(ok(await a1.delete({ channelId: m.channelId, messageId: m.id })).message).toEqual(tomb);
    await a.http.deleteMessage(m.channelId, m.id); // 204 again
    expect(upB.items).toHaveLength(1);
    expect((await b.http.history(m.channelId)).messages).toEqual([tomb]);
    await expectApiError(a.http.editMessage(m.channelId, m.id, 'back'), 404, 'not_found');
    await expectApiError(b.http.addReaction(m.channelId, m.id, '👍'), 404, 'not_found');
  });

  it('reacts: any member, in the order they reacted, idempotent, emoji checked, at most 20 kinds', async () => {
    const [a1, b1] = await Promise.all([device(a), device(b)]);
    const upA = updatesOf(a1);
    const m = await sendDm(a1, b);
    const t = { channelId: m.channelId, messageId: m.id };
    ok(await b1.react({ ...t, emoji: '👍' }));
    const both = ok(await a1.react({ ...t, emoji: '👍' })).message;
    expect(both.reactions).toEqual([{ emoji: '👍', userIds: [b.user.id, a.user.id] }]);
    expect(ok(await a1.react({ ...t, emoji: '👍' })).message).toEqual(both); // already there
    expect(ok(await a1.unreact({ ...t, emoji: '🎉' })).message).toEqual(both); // never there
    expect((await upA.atLeast(2)).map((u) => u.message.reactions)).toEqual([
      [{ emoji: '👍', userIds: [b.user.id] }],
      both.reactions,
    ]);
    for (const bad of ['', 'a b', 'x'.repeat(33), 'tab\t']) {
      expect(await a1.react({ ...t, emoji: bad })).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      });
    }
    expect(ok(await a1.react({ ...t, emoji: 'x'.repeat(32) })).message.reactions).toHaveLength(2);
    for (let i = 0; i < 18; i++) await a.http.addReaction(m.channelId, m.id, `e${i}`);
    await expectApiError(b.http.addReaction(m.channelId, m.id, 'one-too-many'), 409, 'conflict');
    // a kind that is there may still gain users
    expect(
      (await b.http.addReaction(m.channelId, m.id, 'e0')).reactions?.find((r) => r.emoji === 'e0')?.userIds,
    ).toEqual([a.user.id, b.user.id]);
    const after = await a.http.removeReaction(m.channelId, m.id, '👍');
    expect(after.reactions?.[0]).toEqual({ emoji: '👍', userIds: [b.user.id] });
    expect(upA.items.length).toBe(2 + 1 + 18 + 1 + 1);
  });

  it('syncs a device offline across an edit, a delete and reactions: each message once, in its final state', async () => {
    const a1 = await device(a);
    const [m1, m2, m3] = [
      await sendDm(a1, b, 'one'),
      await sendDm(a1, b, 'two'),
      await sendDm(a1, b, 'three'),
    ];
    const before = await b.http.sync();
    expect(before.messages.map((m) => m.id)).toEqual([m1.id, m2.id, m3.id]);
    expect(before.receipts).toEqual([]);
    // b's device is offline from here
    ok(await a1.edit({ channelId: m1.channelId, messageId: m1.id, content: 'one, edited' }));
    ok(await a1.edit({ channelId: m1.channelId, messageId: m1.id, content: 'one, edited twice' }));
    await b.http.addReaction(m2.channelId, m2.id, '👍');
    await a.http.addReaction(m2.channelId, m2.id, '👍');
    ok(await a1.delete({ channelId: m3.channelId, messageId: m3.id }));
    const m4 = await sendDm(a1, b, 'four');
    const caught = await b.http.sync({ after: before.cursor });
    // each once, in its final state, ordered by its latest change (m4 was sent after the delete)
    expect(caught.messages).toEqual([
      { ...m1, content: 'one, edited twice', editedAt: expect.any(String) },
      { ...m2, reactions: [{ emoji: '👍', userIds: [b.user.id, a.user.id] }] },
      { ...m3, content: '', deletedAt: expect.any(String) },
      m4,
    ]);
    expect(caught.hasMore).toBe(false);
    expect(caught.cursor).toBe(m4.id);
    expect((await b.http.sync({ after: caught.cursor })).messages).toEqual([]);
    // a from-scratch sync answers each message once too, in its current state, paged by entries
    const pages: ChatMessage[][] = [];
    let after: string | undefined;
    for (;;) {
      const p = await b.http.sync({ after, limit: 3 });
      pages.push(p.messages);
      after = p.cursor;
      if (!p.hasMore) break;
    }
    for (const p of pages) expect(new Set(p.map((m) => m.id)).size).toBe(p.length);
    const last = new Map(pages.flat().map((m) => [m.id, m]));
    expect(last.get(m1.id)?.content).toBe('one, edited twice');
    expect(last.get(m3.id)).toMatchObject({ content: '', deletedAt: expect.any(String) });
  });

  it("in a group: the owner and admins may delete others' messages, members react, removed members stop getting changes", async () => {
    const [c, d] = [await aUser(app.http), await aUser(app.http)];
    const g = await a.http.createGroup({ name: 'changes', memberIds: [b.user.id, c.user.id] });
    const [b1, c1] = await Promise.all([device(b), device(c)]);
    const upC = updatesOf(c1);
    const m = ok(await b1.send({ clientMsgId: uniqueName('c'), channelId: g.id, content: 'by b' })).message;
    await expectApiError(c.http.deleteMessage(g.id, m.id), 403, 'forbidden'); // a plain member
    ok(await c1.react({ channelId: g.id, messageId: m.id, emoji: '🔥' }));
    await a.http.setGroupRole(g.id, c.user.id, 'admin');
    const m2 = ok(
      await b1.send({ clientMsgId: uniqueName('c'), channelId: g.id, content: 'also by b' }),
    ).message;
    await c.http.deleteMessage(g.id, m2.id); // an admin may
    await a.http.deleteMessage(g.id, m.id); // so may the owner
    expect((await upC.atLeast(3)).map((u) => u.message.id)).toEqual([m.id, m2.id, m.id]);
    // d joins later: sees changes only of messages from then on
    await a.http.addGroupMembers(g.id, [d.user.id]);
    await expectApiError(d.http.addReaction(g.id, m.id, '👍'), 404, 'not_found');
    // c is removed: later changes no longer reach c, in sync or live
    const cursor = (await c.http.sync()).cursor;
    await a.http.removeGroupMember(g.id, c.user.id);
    const m3 = ok(
      await b1.send({ clientMsgId: uniqueName('c'), channelId: g.id, content: 'after c left' }),
    ).message;
    await b.http.editMessage(g.id, m3.id, 'edited after c left');
    expect((await c.http.sync({ after: cursor })).messages).toEqual([]);
    expect(upC.items).toHaveLength(3);
    await expectApiError(c.http.addReaction(g.id, m3.id, '👍'), 403, 'forbidden');
  });
});
