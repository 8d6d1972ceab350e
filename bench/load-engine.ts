import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AckResult, ChatMessage, ChatSocket } from '@chat-server/client';
import { BenchContent, messageKey, nowMs, senderOfKey } from './bench-content';
import { encodeHistogram, newHistogram } from './histograms';
import type { LoadPlan, LoadResult, Progress, SecondOfDeliveries } from './protocol';

/** A send's ack, or the driver's own verdict when none came in time. */
type SendOutcome =
  AckResult<{ message: ChatMessage }> | { ok: false; error: { code: 'ack_timeout'; message: string } };

interface Pending {
  sentAt: number;
  remaining: number;
  acked: boolean;
  failed: boolean;
  measured: boolean;
}

/** What the engine needs of a socket: the typed client's send, read and typing (a fake in the unit tests). */
export type MessageSender = Pick<ChatSocket, 'send' | 'read' | 'typing'>;

const TICK_MS = 5;
const LOST_SAMPLES = 10;

/**
 * Sends one worker's share of the load and checks every delivery: open-loop at a fixed rate, or closed-loop
 * (`max`) with a window of messages in flight per sender. Time is measured from the send time embedded in the
 * content, so the recipient needs no shared state to time a delivery.
 */
export class LoadEngine {
  private readonly run = randomBytes(3).toString('hex');
  private readonly content: BenchContent;
  private readonly recipientSets: Set<number>[];
  private readonly pending = new Map<string, Pending>();
  private readonly seenIds: Set<string>[];
  private readonly hist = {
    deliver: newHistogram(),
    ack: newHistogram(),
    lastRecipient: newHistogram(),
    read: newHistogram(),
    /** Open loop: how late the generator sent each message after its slot in the schedule. */
    sendLag: newHistogram(),
  };
  private readonly errors: Record<string, number> = {};
  private readonly perSecond: SecondOfDeliveries[] = [];
  private readonly reads = {
    sent: 0,
    acked: 0,
    ackedInWindow: 0,
    inflight: 0,
    errors: {} as Record<string, number>,
  };
  private readonly typing = { sent: 0, acked: 0, received: 0, errors: 0 };
  private readonly lastTyping: number[];
  private receiptsReceived = 0;
  private receiptsReceivedInWindow = 0;
  private seq = 0;
  private sent = 0;
  private offered = 0;
  private skipped = 0;
  private acked = 0;
  private ackedInWindow = 0;
  private deliveries = 0;
  private deliveriesInWindow = 0;
  private completeMessages = 0;
  private duplicates = 0;
  private misdelivered = 0;
  private echoes = 0;
  private inflight = 0;
  private measureFrom = Infinity;
  private stopAt = Infinity;

  constructor(
    private readonly workerId: number,
    private readonly sockets: readonly MessageSender[],
    private readonly plan: LoadPlan,
  ) {
    this.content = new BenchContent(plan.contentSize);
    this.recipientSets = plan.senders.map((s) => new Set(s.recipients));
    this.seenIds = sockets.map(() => new Set<string>());
    this.lastTyping = plan.senders.map(() => -Infinity);
  }

  progress(): Pick<Progress, 'offered' | 'acked' | 'delivered' | 'errors' | 'inflight' | 'reads'> {
    const errors = Object.values(this.errors).reduce((a, b) => a + b, 0);
    return {
      offered: this.sent,
      acked: this.acked,
      delivered: this.deliveries,
      errors,
      inflight: this.inflight,
      reads: this.reads.acked,
    };
  }

  async execute(): Promise<LoadResult> {
    const start = nowMs();
    this.measureFrom = start + this.plan.warmupMs;
    this.stopAt = this.measureFrom + this.plan.durationMs;
    if (this.plan.senders.length > 0) {
      if (this.plan.rate === 'max') await this.closedLoop();
      else await this.openLoop(start, this.plan.rate);
    }
    await this.drain();
    return this.result();
  }

  /** Called for every `message:new` on socket `index`. */
  onDelivery(index: number, message: ChatMessage): void {
    const seen = this.seenIds[index];
    if (seen.has(message.id)) {
      this.duplicates++;
      return;
    }
    seen.add(message.id);
    const parsed = BenchContent.parse(message.content);
    const sender = parsed ? senderOfKey(parsed.key) : -1;
    if (!parsed || sender < 0 || sender >= this.plan.senders.length) {
      this.misdelivered++;
      return;
    }
    if (index === this.plan.senders[sender].socket) {
      this.echoes++;
      return;
    }
    const p = this.pending.get(parsed.key);
    if (!p || !this.recipientSets[sender].has(index)) {
      this.misdelivered++;
      return;
    }
    const t = nowMs();
    p.remaining--;
    this.deliveries++;
    if (t >= this.measureFrom && t <= this.stopAt) this.deliveriesInWindow++;
    if (p.measured) this.recordDelivery(parsed.sentAt, t - parsed.sentAt);
    if (this.plan.receipts) void this.readOne(index, message, p.measured);
    if (p.remaining > 0) return;
    if (p.measured) this.hist.lastRecipient.recordValue(toMicros(t - p.sentAt));
    if (p.acked) this.complete(parsed.key);
  }

  private recordDelivery(sentAt: number, ms: number): void {
    this.hist.deliver.recordValue(toMicros(ms));
    const i = Math.max(0, Math.floor((sentAt - this.measureFrom) / 1000));
    for (let k = this.perSecond.length; k <= i; k++)
      this.perSecond.push({ deliveries: 0, maxMs: 0, over50Ms: 0 });
    const s = this.perSecond[i];
    s.deliveries++;
    s.maxMs = Math.max(s.maxMs, Math.round(ms * 10) / 10);
    if (ms > 50) s.over50Ms++;
  }

  /** Called for every `read` event (a receipt, or the user's own read) on any socket. */
  onReceipt(): void {
    this.receiptsReceived++;
    const t = nowMs();
    if (t >= this.measureFrom && t <= this.stopAt) this.receiptsReceivedInWindow++;
  }

  /** Called for every `typing` event on any socket. */
  onTyping(): void {
    this.typing.received++;
  }

  /** The recipient on socket `index` has read `message`: its `read`, timed from the send like an ack. */
  private async readOne(index: number, message: ChatMessage, measured: boolean): Promise<void> {
    const r = this.reads;
    r.sent++;
    r.inflight++;
    const t0 = nowMs();
    let ack: AckResult | undefined;
    try {
      ack = await this.sockets[index].read(
        { channelId: message.channelId, messageId: message.id },
        this.plan.ackTimeoutMs,
      );
    } catch {
      ack = undefined;
    }
    r.inflight--;
    if (!ack?.ok) {
      const code = ack ? ack.error.code : 'ack_timeout';
      r.errors[code] = (r.errors[code] ?? 0) + 1;
      return;
    }
    const t = nowMs();
    r.acked++;
    if (t >= this.measureFrom && t <= this.stopAt) r.ackedInWindow++;
    if (measured) this.hist.read.recordValue(toMicros(t - t0));
  }

  /** Typing as a client sends it: before a send, when this sender's last `typing` is old enough. */
  private maybeTyping(senderIndex: number, channelId: string | undefined): void {
    const every = this.plan.typingEveryMs;
    if (every <= 0 || !channelId) return;
    const t = nowMs();
    if (t - this.lastTyping[senderIndex] < every) return;
    this.lastTyping[senderIndex] = t;
    this.typing.sent++;
    const socket = this.sockets[this.plan.senders[senderIndex].socket];
    socket.typing(channelId, this.plan.ackTimeoutMs).then(
      (ack) => (ack.ok ? this.typing.acked++ : this.typing.errors++),
      () => this.typing.errors++,
    );
  }

  private openLoop(start: number, rate: number): Promise<void> {
    let scheduled = 0;
    let next = 0;
    const senders = this.plan.senders.length;
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        const t = nowMs();
        const due = Math.floor(((Math.min(t, this.stopAt) - start) * rate) / 1000);
        while (scheduled < due) {
          // Which window a message belongs to follows its slot in the schedule, not the tick that sent it.
          const slot = start + (scheduled * 1000) / rate;
          scheduled++;
          const inWindow = slot >= this.measureFrom && slot < this.stopAt;
          if (inWindow) this.offered++;
          if (this.inflight >= this.plan.maxInflight) {
            if (inWindow) this.skipped++;
            continue;
          }
          if (inWindow) this.hist.sendLag.recordValue(toMicros(Math.max(0, t - slot)));
          void this.sendOne(next, inWindow);
          next = (next + 1) % senders;
        }
        if (t >= this.stopAt) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
  }

  private async closedLoop(): Promise<void> {
    const chains: Promise<void>[] = [];
    for (let s = 0; s < this.plan.senders.length; s++) {
      for (let w = 0; w < this.plan.window; w++) {
        chains.push(
          (async () => {
            while (nowMs() < this.stopAt) {
              const t = nowMs();
              const inWindow = t >= this.measureFrom && t < this.stopAt;
              if (inWindow) this.offered++;
              // A refused send must not turn the loop into a busy spin.
              if (!(await this.sendOne(s, inWindow))) await sleep(10);
            }
          })(),
        );
      }
    }
    await Promise.all(chains);
  }

  /** Resolves true once acked, false on an error or a timeout. */
  private async sendOne(senderIndex: number, measured: boolean): Promise<boolean> {
    const sender = this.plan.senders[senderIndex];
    const key = messageKey(this.run, this.workerId, senderIndex, this.seq++);
    const sentAt = nowMs();
    const p: Pending = {
      sentAt,
      remaining: sender.recipients.length,
      acked: false,
      failed: false,
      measured,
    };
    this.pending.set(key, p);
    this.sent++;
    this.inflight++;
    const content = this.content.make(sentAt, key);
    this.maybeTyping(senderIndex, sender.channelId);
    let ack: SendOutcome;
    try {
      ack = await this.sockets[sender.socket].send(
        { clientMsgId: key, to: sender.to, channelId: sender.channelId, content },
        this.plan.ackTimeoutMs,
      );
    } catch {
      ack = { ok: false, error: { code: 'ack_timeout', message: 'no ack in time' } };
    }
    this.inflight--;
    return this.onAck(key, p, ack);
  }

  private onAck(key: string, p: Pending, ack: SendOutcome): boolean {
    if (!ack.ok) {
      this.errors[ack.error.code] = (this.errors[ack.error.code] ?? 0) + 1;
      p.failed = true;
      return false;
    }
    const t = nowMs();
    this.acked++;
    if (t >= this.measureFrom && t <= this.stopAt) this.ackedInWindow++;
    if (p.measured) this.hist.ack.recordValue(toMicros(t - p.sentAt));
    p.acked = true;
    if (p.remaining <= 0) this.complete(key);
    return true;
  }

  private complete(key: string): void {
    this.pending.delete(key);
    this.completeMessages++;
  }

  /** Waits for acks in flight and for deliveries of acked messages, up to drainMs after the last send. */
  private async drain(): Promise<void> {
    const until = nowMs() + this.plan.drainMs;
    while (nowMs() < until) {
      if (this.inflight === 0 && this.reads.inflight === 0 && !this.awaitingDelivery()) return;
      await sleep(20);
    }
  }

  private awaitingDelivery(): boolean {
    for (const p of this.pending.values()) if (p.acked && p.remaining > 0) return true;
    return false;
  }

  private result(): LoadResult {
    let lost = 0;
    let lostMessages = 0;
    const lostSamples: string[] = [];
    for (const [key, p] of this.pending) {
      if (!p.acked || p.remaining <= 0) continue;
      lost += p.remaining;
      lostMessages++;
      if (lostSamples.length < LOST_SAMPLES) lostSamples.push(key);
    }
    if (this.inflight > 0) this.errors.unanswered = (this.errors.unanswered ?? 0) + this.inflight;
    const { inflight: unansweredReads, ...reads } = this.reads;
    if (unansweredReads > 0) reads.errors.unanswered = (reads.errors.unanswered ?? 0) + unansweredReads;
    return {
      offered: this.offered,
      sent: this.sent,
      skipped: this.skipped,
      acked: this.acked,
      deliveries: this.deliveries,
      ackedInWindow: this.ackedInWindow,
      deliveriesInWindow: this.deliveriesInWindow,
      completeMessages: this.completeMessages,
      lost,
      lostMessages,
      lostSamples,
      duplicates: this.duplicates,
      misdelivered: this.misdelivered,
      echoes: this.echoes,
      errors: { ...this.errors },
      reads: { ...reads, errors: { ...reads.errors } },
      receiptsReceived: this.receiptsReceived,
      receiptsReceivedInWindow: this.receiptsReceivedInWindow,
      typing: { ...this.typing },
      histograms: {
        deliver: encodeHistogram(this.hist.deliver),
        ack: encodeHistogram(this.hist.ack),
        lastRecipient: encodeHistogram(this.hist.lastRecipient),
        read: encodeHistogram(this.hist.read),
        sendLag: encodeHistogram(this.hist.sendLag),
      },
      perSecond: this.perSecond,
    };
  }
}

const toMicros = (ms: number): number => Math.max(1, Math.round(ms * 1000));
