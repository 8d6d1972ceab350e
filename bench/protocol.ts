/**
 * Messages between the bench's parent process and its load workers (node IPC). Every socket of one
 * conversation (a DM pair, a group) lives in the same worker, so a worker can tell on its own whether each
 * acked message reached every recipient; the parent only adds up counts and merges histograms.
 */

/** One device to connect: a user's token (for the relay baseline, just the user id) and its chat node. */
export interface SocketSpec {
  url: string;
  userId: string;
  token: string;
  deviceId: string;
}

/** A socket that sends: where to (exactly one of `to` / `channelId`) and which sockets must receive it. */
export interface SenderSpec {
  socket: number;
  to?: string;
  channelId?: string;
  /** Indices (into the worker's sockets) of every socket that must get `message:new`. */
  recipients: number[];
}

export interface LoadPlan {
  senders: SenderSpec[];
  /** Messages per second for this worker, or 'max': each sender keeps `window` messages in flight. */
  rate: number | 'max';
  window: number;
  warmupMs: number;
  durationMs: number;
  contentSize: number;
  /** How long to wait after the last send for acks and deliveries still on their way. */
  drainMs: number;
  ackTimeoutMs: number;
  /** Fixed-rate mode stops sending (counts `skipped`) while this many messages await their ack. */
  maxInflight: number;
  /** Every recipient answers each message delivered to it with a `read` of it (receipts; group senders only). */
  receipts: boolean;
  /** A group sender emits `typing` before a send when its last one is this old (0 = never). */
  typingEveryMs: number;
}

export type ToWorker =
  | { type: 'connect'; workerId: number; sockets: SocketSpec[]; concurrency: number; heartbeatMs: number }
  | { type: 'load'; plan: LoadPlan }
  | { type: 'close' };

export interface Progress {
  connected: number;
  disconnects: number;
  offered: number;
  acked: number;
  delivered: number;
  errors: number;
  inflight: number;
  /** Acked `read`s (receipts). */
  reads: number;
}

/** Counts and encoded HDR histograms (microseconds) of one worker's load phase. */
export interface LoadResult {
  /** Messages the schedule asked for in the measured window (after warm-up). */
  offered: number;
  sent: number;
  skipped: number;
  acked: number;
  /** `message:new` arrivals at an expected recipient. */
  deliveries: number;
  /** Measured-window counts used for the rates. */
  ackedInWindow: number;
  deliveriesInWindow: number;
  /** Acked messages whose every recipient got them. */
  completeMessages: number;
  /** (message, recipient) pairs acked but never delivered after the drain. */
  lost: number;
  lostMessages: number;
  lostSamples: string[];
  /** The same message id twice on the same socket. */
  duplicates: number;
  /** Deliveries to a socket that was not a recipient (the sending socket's echo is counted apart). */
  misdelivered: number;
  echoes: number;
  errors: Record<string, number>;
  /** With receipts: `read`s sent for delivered messages, their acks (all, and in the measured window), and
   * failures by error code. */
  reads: { sent: number; acked: number; ackedInWindow: number; errors: Record<string, number> };
  /** `read` events (receipts) that arrived at any socket, all and in the measured window. */
  receiptsReceived: number;
  receiptsReceivedInWindow: number;
  typing: { sent: number; acked: number; received: number; errors: number };
  histograms: { deliver: string; ack: string; lastRecipient: string; read: string; sendLag: string };
  /** Send→deliver by the second of the measured window the message was sent in. */
  perSecond: SecondOfDeliveries[];
}

/** One second of the measured window: deliveries of messages sent in it, the slowest, and those over 50 ms. */
export interface SecondOfDeliveries {
  deliveries: number;
  maxMs: number;
  over50Ms: number;
}

/** Adds up workers' seconds (index = second of the window). */
export function mergeSeconds(perWorker: readonly SecondOfDeliveries[][]): SecondOfDeliveries[] {
  const out: SecondOfDeliveries[] = [];
  for (const seconds of perWorker)
    seconds.forEach((s, i) => {
      const o = (out[i] ??= { deliveries: 0, maxMs: 0, over50Ms: 0 });
      o.deliveries += s?.deliveries ?? 0;
      o.maxMs = Math.max(o.maxMs, s?.maxMs ?? 0);
      o.over50Ms += s?.over50Ms ?? 0;
    });
  for (let i = 0; i < out.length; i++) out[i] ??= { deliveries: 0, maxMs: 0, over50Ms: 0 };
  return out;
}

export type FromWorker =
  | { type: 'connected'; ok: number; failed: number; firstError?: string; ms: number }
  | { type: 'progress'; progress: Progress }
  | { type: 'result'; result: LoadResult }
  | { type: 'closed' }
  | { type: 'fatal'; error: string };
