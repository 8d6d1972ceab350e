import { FAULTS } from '../../src/fault-injection/faults';
import { ChatSocket } from '@chat-server/client';
import type { ChatMessage } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aDevice, aUser, Inbox, TestUser, uniqueName, devicesPerTest } from '../support/builders';

const dm = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);
const ok = <T extends { ok: boolean }>(ack: T): Extract<T, { ok: true }> => {
  expect(ack).toMatchObject({ ok: true });
  return ack as Extract<T, { ok: true }>;
};
const inboxOf = (s: ChatSocket) => {
  const box = new Inbox<ChatMessage>();
  s.on('message:new', box.push);
  return box;
};

describe.each(e2eStacks('messaging e2e'))('1-on-1 messaging ($name)', ({ env }) => {
  let app: RunningApp;
  let a: TestUser;
  let b: TestUser;
  const device = devicesPerTest(() => app.url);

  beforeAll(async () => {
    app = await startApp({ ...env, CHAT_TEST_HOOKS: 'true' });
  });
  beforeEach(async () => {
    [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
  });
  afterAll(() => app.close());

  it("delivers to every device of the recipient and to the sender's other devices", async () => {
    const [a1, a2, b1, b2] = await Promise.all([device(a), device(a), device(b), device(b)]);
    const [inA1, inA2, inB1, inB2] = [a1, a2, b1, b2].map(inboxOf);
    const ack = ok(await a1.send({ clientMsgId: 'm1', to: b.user.id, content: 'hi B' }));
    expect(ack.message).toMatchObject({
      channelId: dm(a.user.id, b.user.id),
      channelType: 'dm',
      senderId: a.user.id,
      content: 'hi B',
      clientMsgId: 'm1',
    });
    expect(new Date(ack.message.createdAt).toISOString()).toBe(ack.message.createdAt);
    for (const box of [inA2, inB1, inB2]) expect((await box.atLeast(1))[0]).toEqual(ack.message);
    // The sending socket has the message in its ack; it is not echoed to it.
    await b1.heartbeat(); // a round trip after the fan-out
    expect(inA1.items).toHaveLength(0);
  });

  it('keeps 40 back-to-back messages in order with increasing ids', async () => {
    const [a1, b1] = await Promise.all([device(a), device(b)]);
    const inB = inboxOf(b1);
    const acks = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        a1.send({ clientMsgId: `seq-${i}`, to: b.user.id, content: `#${i}` }),
      ),
    );
    const ids = acks.map((x) => ok(x).message.id);
    const got = await inB.atLeast(40);
    expect(got.map((m) => m.content)).toEqual(Array.from({ length: 40 }, (_, i) => `#${i}`));
    expect(got.map((m) => m.id)).toEqual(ids);
    for (let i = 1; i < ids.length; i++) expect(BigInt(ids[i])).toBeGreaterThan(BigInt(ids[i - 1]));
  });

  it('answers a resend with the same clientMsgId with the stored message, never a second copy', async () => {
    const [a1, b1] = await Promise.all([device(a), device(b)]);
    const inB = inboxOf(b1);
    const first = ok(await a1.send({ clientMsgId: 'dup', to: b.user.id, content: 'original' }));
    const again = ok(await a1.send({ clientMsgId: 'dup', to: b.user.id, content: 'edited on resend' }));
    expect(again.message).toEqual(first.message);
    const viaChannel = ok(
      await a1.send({ clientMsgId: 'dup', channelId: first.message.channelId, content: 'x' }),
    );
    expect(viaChannel.message.id).toBe(first.message.id);
    const history = await a.http.history(first.message.channelId);
    expect(history.messages.map((m) => m.content)).toEqual(['original']);
    expect((await b.http.sync()).messages.map((m) => m.id)).toEqual([first.message.id]);
    // Receivers may see a republished copy; it carries the same id, so they dedupe.
    const got = await inB.atLeast(1);
    expect(new Set(got.map((m) => m.id))).toEqual(new Set([first.message.id]));
  });

  it('lets an offline device catch up from its cursor with exactly what it missed', async () => {
    const a1 = await device(a);
    const b1 = await device(b);
    const live = inboxOf(b1);
    ok(await a1.send({ clientMsgId: 'before', to: b.user.id, content: 'seen live' }));
    const seen = await live.atLeast(1);
    const cursor = seen[0].id;
    b1.close();
    const missed: string[] = [];
    for (let i = 0; i < 5; i++)
      missed.push(
        ok(await a1.send({ clientMsgId: `off-${i}`, to: b.user.id, content: `missed ${i}` })).message.id,
      );
    const b2 = await device(b);
    const page = ok(await b2.sync({ after: cursor }));
    expect(page.messages.map((m) => m.id)).toEqual(missed);
    expect(page.cursor).toBe(missed[4]);
    expect(page.hasMore).toBe(false);
    const rest = await b.http.sync({ after: cursor, limit: 2 });
    expect(rest).toMatchObject({ cursor: missed[1], hasMore: true });
  });

  it('pages history newest first with no gap or repeat', async () => {
    const a1 = await device(a);
    const sent: string[] = [];
    for (let i = 0; i < 23; i++)
      sent.push(ok(await a1.send({ clientMsgId: `h${i}`, to: b.user.id, content: `h${i}` })).message.id);
    const channel = dm(a.user.id, b.user.id);
    const seen: string[] = [];
    let before: string | undefined;
    do {
      const page = await b.http.history(channel, { before, limit: 10 });
      seen.push(...page.messages.map((m) => m.id));
      before = page.nextBefore ?? undefined;
    } while (before);
    expect(seen).toEqual([...sent].reverse());
  });

  it('forbids a third user from writing or reading a DM channel', async () => {
    const c = await aUser(app.http);
    const a1 = await device(a);
    const m = ok(await a1.send({ clientMsgId: 'private', to: b.user.id, content: 'secret' })).message;
    const c1 = await device(c);
    expect(await c1.send({ clientMsgId: 'intrude', channelId: m.channelId, content: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await expect(c.http.history(m.channelId)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    expect((await c.http.sync()).messages).toEqual([]);
  });

  it('round-trips 100,000 characters intact and refuses 100,001 with too_large', async () => {
    const [a1, b1] = await Promise.all([device(a), device(b)]);
    const inB = inboxOf(b1);
    // Astral characters: 100,000 characters are 200,000 UTF-16 units and 400,000 UTF-8 bytes.
    const big = '😀'.repeat(99_990) + 'ünïcödé!!';
    expect([...big].length).toBe(99_999);
    const content = big + 'x';
    const sent = ok(await a1.send({ clientMsgId: 'big', to: b.user.id, content }));
    expect(sent.message.content).toBe(content);
    expect((await inB.atLeast(1))[0].content).toBe(content);
    const page = await b.http.history(sent.message.channelId, { limit: 1 });
    expect(page.messages[0].content).toBe(content);
    expect(await a1.send({ clientMsgId: 'too-big', to: b.user.id, content: content + 'y' })).toMatchObject({
      ok: false,
      error: { code: 'too_large' },
    });
    expect(await a1.send({ clientMsgId: 'empty', to: b.user.id, content: '' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(a1.socket.connected).toBe(true);
  });

  it('answers garbage with bad_request and keeps the connection', async () => {
    const a1 = await device(a);
    const bad: unknown[] = [
      null,
      'string',
      42,
      [1, 2],
      {},
      { clientMsgId: 1, to: b.user.id, content: 'x' },
      { clientMsgId: 'g', to: b.user.id },
      { clientMsgId: 'g', to: b.user.id, content: { nested: true } },
      { clientMsgId: 'g', to: b.user.id, channelId: dm(a.user.id, b.user.id), content: 'both' },
      { clientMsgId: 'g', content: 'neither' },
      { clientMsgId: 'x'.repeat(65), to: b.user.id, content: 'long id' },
      { clientMsgId: 'g', to: b.user.id, content: 'extra', junk: 'y'.repeat(200_000) },
      { clientMsgId: 'g', channelId: 'not-a-channel!', content: 'x' },
      { clientMsgId: 'g', to: b.user.id, content: 'nul \u0000 byte' },
    ];
    for (const payload of bad) {
      const ack = (await a1.raw('message:send', payload)) as { ok: boolean; error?: { code: string } };
      expect(ack.ok).toBe(false);
      expect(['bad_request', 'not_found']).toContain(ack.error?.code);
    }
    expect(await a1.raw('sync', { after: 'abc' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await a1.raw('sync', { limit: 501 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await a1.raw('sync', 'nope')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    a1.rawNoAck('message:send', { no: 'ack callback' });
    a1.rawNoAck('no-such-event', 1, 2, 3);
    expect(await a1.raw('no-such-event', { x: 1 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await a1.raw('constructor')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await a1.send({ clientMsgId: 'g', to: uniqueName(), content: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await a1.send({ clientMsgId: 'g', to: a.user.id, content: 'self' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(a1.socket.connected).toBe(true);
    ok(await a1.send({ clientMsgId: 'still-works', to: b.user.id, content: 'fine' }));
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
  });

  it('disconnects a client whose frame is past the largest legal message', async () => {
    const a1 = await device(a);
    const gone = new Promise<string>((resolve) => a1.socket.once('disconnect', resolve));
    a1.rawNoAck('message:send', { clientMsgId: 'huge', to: b.user.id, content: 'x'.repeat(700_000) });
    expect(await gone).toEqual(expect.any(String));
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
  });

  it('refuses a handshake with a bad token or from a foreign origin', async () => {
    await expect(new ChatSocket(app.url, { token: 'forged' }).connected()).rejects.toThrow('unauthorized');
    await expect(new ChatSocket(app.url, { token: '' }).connected()).rejects.toThrow('unauthorized');
    const { io } = await import('socket.io-client');
    const foreign = io(app.url, {
      auth: { token: a.accessToken },
      transports: ['polling'],
      extraHeaders: { origin: 'https://evil.example' },
      reconnection: false,
      forceNew: true,
    });
    const err = await new Promise<Error>((resolve) => foreign.once('connect_error', resolve));
    expect(err).toBeInstanceOf(Error);
    expect(foreign.connected).toBe(false);
    foreign.close();
  });

  it('delivers a send interrupted between write and ack once, when the client resends', async () => {
    const [a1, b1] = await Promise.all([device(a), device(b)]);
    const inB = inboxOf(b1);
    const clientMsgId = `${FAULTS.dropAfterWrite}${uniqueName()}`;
    // The first attempt is stored, then the server "dies" for this send before publishing and acking.
    await expect(a1.send({ clientMsgId, to: b.user.id, content: 'survives' }, 500)).rejects.toThrow();
    a1.close();
    // The client reconnects and resends the unacked message with the same clientMsgId.
    const a2 = await device(a);
    const resent = ok(await a2.send({ clientMsgId, to: b.user.id, content: 'survives' }));
    expect((await inB.atLeast(1))[0]).toEqual(resent.message);
    const history = await b.http.history(resent.message.channelId);
    expect(history.messages.map((m) => m.id)).toEqual([resent.message.id]);
  });
});

describe.each(e2eStacks('send rate limit e2e', { cassandra: false }))(
  'send rate limit ($name)',
  ({ env }) => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startApp({ ...env, SEND_RATE_PER_SECOND: '1', SEND_BURST: '5' });
    });
    afterAll(() => app.close());

    it('answers rate_limited past the burst and keeps the connection', async () => {
      const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
      const a1 = await aDevice(app.url, a);
      // Sent at once: admitted on receipt, whatever the sends then wait for (a fresh node's id lease).
      const acks = await Promise.all(
        Array.from({ length: 7 }, (_, i) => a1.send({ clientMsgId: `r${i}`, to: b.user.id, content: 'x' })),
      );
      expect(acks.slice(0, 5).every((x) => x.ok)).toBe(true);
      expect(acks[5]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      expect(acks[6]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      expect(a1.socket.connected).toBe(true);
      a1.close();
    });
  },
);
