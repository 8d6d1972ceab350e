import type { AckResult, ChatMessage, ReadTarget, SendInput } from '@chat-server/client';
import { LoadEngine, MessageSender } from './load-engine';
import type { LoadPlan } from './protocol';
import { mergeEncoded } from './histograms';

type Deliver = (socket: number, message: ChatMessage) => void;

/**
 * A pretend server for two sockets (users u0 and u1) that delivers each message `copies(n)` times to the
 * other socket (0 = drop it) and, when `echo` is set, to the sender too, then acks it.
 */
function fakePair(
  opts: { copies?: (n: number) => number; echo?: boolean; failEvery?: number; failReadEvery?: number } = {},
) {
  let n = 0;
  let reads = 0;
  let deliver: Deliver = () => undefined;
  const readIds: string[] = [];
  const typing: string[] = [];
  const sockets: MessageSender[] = [0, 1].map((self) => ({
    read: async (target: ReadTarget): Promise<AckResult> => {
      await new Promise((r) => setImmediate(r));
      readIds.push(`u${self}:${target.messageId}`);
      if (opts.failReadEvery && reads++ % opts.failReadEvery === 0)
        return { ok: false, error: { code: 'unavailable', message: 'busy' } };
      return { ok: true };
    },
    typing: async (channelId: string): Promise<AckResult> => {
      typing.push(`u${self}:${channelId}`);
      return { ok: true };
    },
    send: async (input: SendInput): Promise<AckResult<{ message: ChatMessage }>> => {
      await new Promise((r) => setImmediate(r));
      const i = n++;
      if (opts.failEvery && i % opts.failEvery === 0) {
        return { ok: false, error: { code: 'internal', message: 'boom' } };
      }
      const message: ChatMessage = {
        id: String(1000 + i),
        channelId: 'dm:u0:u1',
        channelType: 'dm',
        senderId: `u${self}`,
        content: input.content,
        clientMsgId: input.clientMsgId,
        createdAt: new Date().toISOString(),
      };
      // A group message (channelId) goes to the other socket, like a DM.
      const to = input.to ? (input.to === 'u1' ? 1 : 0) : 1 - self;
      for (let c = 0; c < (opts.copies?.(i) ?? 1); c++) deliver(to, message);
      if (opts.echo) deliver(self, message);
      return { ok: true, message };
    },
  }));
  return { sockets, readIds, typing, connect: (fn: Deliver) => (deliver = fn) };
}

const plan = (over: Partial<LoadPlan> = {}): LoadPlan => ({
  senders: [
    { socket: 0, to: 'u1', recipients: [1] },
    { socket: 1, to: 'u0', recipients: [0] },
  ],
  rate: 400,
  window: 4,
  warmupMs: 0,
  durationMs: 250,
  contentSize: 100,
  drainMs: 200,
  ackTimeoutMs: 1000,
  maxInflight: 1000,
  receipts: false,
  typingEveryMs: 0,
  ...over,
});

async function run(net: ReturnType<typeof fakePair>, p: LoadPlan) {
  const engine = new LoadEngine(0, net.sockets, p);
  net.connect((socket, m) => engine.onDelivery(socket, m));
  return engine.execute();
}

describe('LoadEngine', () => {
  it('counts every acked message delivered once as complete, with latencies', async () => {
    const r = await run(fakePair(), plan());
    expect(r.acked).toBeGreaterThanOrEqual(90);
    expect(r.deliveries).toBe(r.acked);
    expect(r.completeMessages).toBe(r.acked);
    expect([r.lost, r.duplicates, r.misdelivered]).toEqual([0, 0, 0]);
    expect(mergeEncoded([r.histograms.deliver]).totalCount).toBeGreaterThan(0);
    expect(mergeEncoded([r.histograms.ack]).totalCount).toBe(r.acked);
    // Every message of the window is timed against its slot in the open-loop schedule too.
    const lag = mergeEncoded([r.histograms.sendLag]);
    expect(lag.totalCount).toBe(r.offered);
    expect(r.perSecond.reduce((a, s) => a + s.deliveries, 0)).toBe(
      mergeEncoded([r.histograms.deliver]).totalCount,
    );
  });

  it('reports an acked message that never arrives as lost, with its key', async () => {
    const r = await run(fakePair({ copies: (i) => (i === 3 ? 0 : 1) }), plan());
    expect(r.lost).toBe(1);
    expect(r.lostMessages).toBe(1);
    expect(r.lostSamples).toHaveLength(1);
  });

  it('counts the same id twice on one socket as a duplicate', async () => {
    const r = await run(fakePair({ copies: (i) => (i % 10 === 0 ? 2 : 1) }), plan());
    expect(r.duplicates).toBeGreaterThan(0);
    expect(r.lost).toBe(0);
  });

  it("sets the sender's own echo apart and does not count failed sends as lost", async () => {
    const r = await run(fakePair({ echo: true, failEvery: 7 }), plan());
    expect(r.echoes).toBe(r.acked);
    expect(r.errors.internal).toBeGreaterThan(0);
    expect([r.lost, r.duplicates, r.misdelivered]).toEqual([0, 0, 0]);
  });

  it('keeps a window of sends in flight per sender at --rate max', async () => {
    const r = await run(fakePair(), plan({ rate: 'max', durationMs: 100 }));
    expect(r.acked).toBeGreaterThan(20);
    expect(r.sent).toBe(r.acked);
    expect(r.lost).toBe(0);
  });

  it('with receipts, reads every delivered message once, on the socket it reached, and times the acks', async () => {
    const net = fakePair({ failReadEvery: 10 });
    const r = await run(net, plan({ receipts: true }));
    expect(r.reads.sent).toBe(r.deliveries);
    expect(new Set(net.readIds).size).toBe(r.deliveries);
    expect(r.reads.acked + r.reads.errors.unavailable).toBe(r.reads.sent);
    expect(r.reads.errors.unavailable).toBeGreaterThan(0);
    expect(mergeEncoded([r.histograms.read]).totalCount).toBe(r.reads.acked);
  });

  it('sends typing before a group send at most once per interval per sender, and none without it', async () => {
    const senders = [
      { socket: 0, channelId: 'group:g1', recipients: [1] },
      { socket: 1, channelId: 'group:g1', recipients: [0] },
    ];
    const net = fakePair();
    const r = await run(net, plan({ senders, typingEveryMs: 100, durationMs: 250 }));
    expect(r.acked).toBeGreaterThanOrEqual(90);
    // 250 ms at one per 100 ms: 2 or 3 per sender, whatever the send rate.
    const perSender = ['u0', 'u1'].map((u) => net.typing.filter((t) => t === `${u}:group:g1`).length);
    for (const n of perSender) expect([2, 3]).toContain(n);
    expect(r.typing.sent).toBe(perSender[0] + perSender[1]);
    const quiet = await run(fakePair(), plan({ senders }));
    expect(quiet.typing.sent).toBe(0);
    expect(quiet.reads.sent).toBe(0);
  });
});
