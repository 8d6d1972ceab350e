import type { AckResult, ChatMessage, SendInput } from '@chat-server/client';
import { LoadEngine, MessageSender } from './load-engine';
import type { LoadPlan } from './protocol';
import { mergeEncoded } from './histograms';

type Deliver = (socket: number, message: ChatMessage) => void;

/**
 * A pretend server for two sockets (users u0 and u1) that delivers each message `copies(n)` times to the
 * other socket (0 = drop it) and, when `echo` is set, to the sender too, then acks it.
 */
function fakePair(opts: { copies?: (n: number) => number; echo?: boolean; failEvery?: number } = {}) {
  let n = 0;
  let deliver: Deliver = () => undefined;
  const sockets: MessageSender[] = [0, 1].map((self) => ({
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
      const to = input.to === 'u1' ? 1 : 0;
      for (let c = 0; c < (opts.copies?.(i) ?? 1); c++) deliver(to, message);
      if (opts.echo) deliver(self, message);
      return { ok: true, message };
    },
  }));
  return { sockets, connect: (fn: Deliver) => (deliver = fn) };
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
});
