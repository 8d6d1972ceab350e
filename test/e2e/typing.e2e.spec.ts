import type { ChatMessage, TypingSignal } from '@chat-server/client';
import { ChatSocket } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, devicesPerTest, Inbox, TestUser, uniqueName } from '../support/builders';

/** Typing (DESIGN.md section 6b) on every stack: to the other members' devices only, never stored, repeats gated. */
describe.each(e2eStacks('typing e2e'))('typing ($name)', ({ env }) => {
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

  const watch = (s: ChatSocket) => {
    const typing = new Inbox<TypingSignal>();
    const messages = new Inbox<ChatMessage>();
    s.on('typing', typing.push);
    s.on('message:new', messages.push);
    return { typing, messages };
  };

  it("reaches the other member's devices, not the typer's own, and a repeat within 2 s is not re-emitted", async () => {
    const [a1, a2, b1, b2] = await Promise.all([device(a), device(a), device(b), device(b)]);
    const [wa1, wa2, wb1, wb2] = [a1, a2, b1, b2].map(watch);
    const sent = await a1.send({ clientMsgId: uniqueName('c'), to: b.user.id, content: 'hi' });
    if (!sent.ok) throw new Error(sent.error.code);
    const channelId = sent.message.channelId;
    expect(await a1.typing(channelId)).toEqual({ ok: true });
    for (const w of [wb1, wb2]) expect(await w.typing.atLeast(1)).toEqual([{ channelId, userId: a.user.id }]);
    expect(await a1.typing(channelId)).toEqual({ ok: true }); // within 2 s: acked, not emitted
    // a barrier on the same path: once b's devices have the next message, a re-emitted typing would be there too
    await a1.send({ clientMsgId: uniqueName('c'), to: b.user.id, content: 'barrier' });
    await wb1.messages.atLeast(2);
    await wa2.messages.atLeast(2);
    expect(wb1.typing.items).toHaveLength(1);
    expect(wa2.typing.items).toEqual([]);
    // b typing back reaches a
    expect(await b2.typing(channelId)).toEqual({ ok: true });
    expect(await wa1.typing.atLeast(1)).toEqual([{ channelId, userId: b.user.id }]);
    // never stored: sync holds the two messages and nothing else
    expect((await b.http.sync()).messages.map((m) => m.content)).toEqual(['hi', 'barrier']);
  });

  it('in a group reaches every other member; a non-member gets forbidden, bad input bad_request', async () => {
    const c = await aUser(app.http);
    const outsider = await aUser(app.http);
    const g = await a.http.createGroup({ name: 'typing', memberIds: [b.user.id, c.user.id] });
    const [a1, b1, c1, o1] = await Promise.all([device(a), device(b), device(c), device(outsider)]);
    const [wb, wc] = [b1, c1].map(watch);
    expect(await a1.typing(g.id)).toEqual({ ok: true });
    expect(await wb.typing.atLeast(1)).toEqual([{ channelId: g.id, userId: a.user.id }]);
    expect(await wc.typing.atLeast(1)).toEqual([{ channelId: g.id, userId: a.user.id }]);
    expect(await o1.typing(g.id)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(
      await o1.typing(
        `dm:${a.user.id < b.user.id ? `${a.user.id}:${b.user.id}` : `${b.user.id}:${a.user.id}`}`,
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await a1.raw('typing', { channelId: 42 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await a1.raw('typing')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});
