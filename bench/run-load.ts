import type { Account } from './accounts';
import type { BenchContext } from './bench-context';
import { LatencySummary, mergeEncoded, summarize } from './histograms';
import type { ProcessStats } from './proc-stats';
import { ProfileSummary, summarizeProfile } from './profile-summary';
import { LoadPlan, LoadResult, mergeSeconds, SecondOfDeliveries, SenderSpec, SocketSpec } from './protocol';
import { cpuPerDelivered, ProcessRuntime } from './runtime-stats';
import { readRuntime } from './server-runtime';
import type { BenchTarget } from './target';
import { WorkerPool } from './worker-pool';

/** A DM pair or a group: its members' sockets and who sends to whom (indices into `members`). */
export interface Conversation {
  members: Account[];
  senders: { member: number; to?: string; channelId?: string; recipients: number[] }[];
}

export interface LoadSummary {
  label: string;
  target: Record<string, unknown>;
  workers: number;
  connections: number;
  connectMs: number;
  rate: number | 'max';
  warmupS: number;
  durationS: number;
  offeredPerSec: number;
  sentPerSec: number;
  ackedPerSec: number;
  /** `message:new` arrivals at recipients per second in the measured window (for groups: deliveries). */
  deliveredPerSec: number;
  counts: Omit<
    LoadResult,
    | 'histograms'
    | 'ackedInWindow'
    | 'deliveriesInWindow'
    | 'errors'
    | 'reads'
    | 'receiptsReceived'
    | 'receiptsReceivedInWindow'
    | 'typing'
    | 'perSecond'
  > & {
    errors: Record<string, number>;
    disconnects: number;
  };
  /** With receipts on: every recipient's `read` of every delivered message, and senders' `typing`. */
  receipts?: {
    readsSent: number;
    readsAcked: number;
    readsAckedPerSec: number;
    readErrors: Record<string, number>;
    /** `read` events that reached any socket per second in the measured window (each read goes to every member). */
    receiptEventsPerSec: number;
    typing: LoadResult['typing'];
  };
  latencyMs: {
    sendToDeliver: LatencySummary;
    sendToAck: LatencySummary;
    sendToLastRecipient: LatencySummary;
    /** A recipient's `read` to its ack (receipts only). */
    readToAck: LatencySummary;
    /**
     * Open loop: how late the generator sent a message after its slot in the schedule. Latencies count from
     * the actual send, so a starved generator hides this much of the server's queueing (coordinated
     * omission); large values mean the machine, not the server, set the pace.
     */
    generatorSendLag: LatencySummary;
  };
  /** Send→deliver by the second of the window the message was sent in: is the tail at the start? */
  perSecond: SecondOfDeliveries[];
  /** Server CPU (every server process, all threads) per message delivered in the measured window. */
  serverCpuUsPerDelivered: number | null;
  /** Each process's figures; a server's `runtime` (loop delay, GC) only where the bench's agent runs in it. */
  processes: (ProcessStats & { runtime?: ProcessRuntime; cpuUsPerDelivered?: number | null })[];
  profiles: ProfileSummary[];
}

interface WorkerShare {
  sockets: SocketSpec[];
  senders: SenderSpec[];
}

/** Every socket of a conversation goes to the same worker, which can then check its deliveries alone. */
function partition(conversations: Conversation[], workers: number, chatUrls: string[]): WorkerShare[] {
  const shares: WorkerShare[] = Array.from({ length: workers }, () => ({ sockets: [], senders: [] }));
  conversations.forEach((c, ci) => {
    const share = shares[ci % workers];
    const base = share.sockets.length;
    c.members.forEach((m, j) =>
      share.sockets.push({
        url: chatUrls[j % chatUrls.length],
        userId: m.userId,
        token: m.token,
        deviceId: `bench-${ci}-${j}`,
      }),
    );
    for (const s of c.senders) {
      share.senders.push({
        socket: base + s.member,
        to: s.to,
        channelId: s.channelId,
        recipients: s.recipients.map((r) => base + r),
      });
    }
  });
  return shares;
}

/** What a run adds to the messages: receipts (a `read` of every delivered message) and typing every 2 s. */
export interface LoadExtras {
  receipts: boolean;
  typingEveryMs: number;
}
const NO_EXTRAS: LoadExtras = { receipts: false, typingEveryMs: 0 };

/** Each worker's share of the rate follows its share of the senders. */
function loadPlans(ctx: BenchContext, shares: WorkerShare[], extras: LoadExtras): LoadPlan[] {
  const o = ctx.opts;
  const totalSenders = Math.max(
    shares.reduce((a, s) => a + s.senders.length, 0),
    1,
  );
  return shares.map((s) => ({
    senders: s.senders,
    rate: o.rate === 'max' ? 'max' : (o.rate * s.senders.length) / totalSenders,
    window: o.window,
    warmupMs: o.warmupS * 1000,
    durationMs: o.durationS * 1000,
    contentSize: o.contentSize,
    drainMs: o.drainS * 1000,
    ackTimeoutMs: o.ackTimeoutS * 1000,
    maxInflight: o.maxInflight,
    ...extras,
  }));
}

/** Connects every conversation's sockets in the worker processes, runs the load, and merges the results. */
export async function runLoad(
  ctx: BenchContext,
  target: BenchTarget,
  label: string,
  conversations: Conversation[],
  extras: LoadExtras = NO_EXTRAS,
  /** Runs beside the load from its first message (e.g. mixed's logins and churn); awaited before the summary. */
  alongside?: () => Promise<void>,
): Promise<LoadSummary> {
  const o = ctx.opts;
  const workers = Math.max(1, Math.min(o.workers, conversations.length));
  const shares = partition(conversations, workers, target.chatUrls);
  const pool = new WorkerPool(workers);
  pool.pids.forEach((pid, i) => ctx.sampler.track(`worker-${i}`, pid, 'generator'));
  try {
    const connections = shares.reduce((a, s) => a + s.sockets.length, 0);
    ctx.log(`${label}: connecting ${connections} sockets from ${workers} worker(s)`);
    const conn = await pool.connect(
      shares.map((s) => s.sockets),
      o.connectConcurrency,
      o.heartbeatMs,
    );
    if (conn.failed > 0)
      throw new Error(`${conn.failed} of ${connections} connections failed: ${conn.firstError}`);
    const plans = loadPlans(ctx, shares, extras);
    ctx.log(
      `${label}: ${o.rate === 'max' ? `max rate (window ${o.window}/sender)` : `${o.rate} msg/s`}, ` +
        `${o.warmupS}s warm-up + ${o.durationS}s measured`,
    );
    const measured = measureWindow(ctx, target, label);
    const stopProgress = ctx.startProgress(label, () => pool.progress());
    let results: LoadResult[];
    const beside = alongside?.();
    try {
      results = await pool.load(plans);
      await beside;
    } finally {
      stopProgress();
    }
    const { profiles, runtime } = await measured.finished;
    const disconnects = pool.progress().disconnects;
    return summarizeLoad(
      ctx,
      target,
      label,
      { workers, connections, connectMs: conn.ms, disconnects },
      results,
      { profiles, runtime },
      extras,
    );
  } finally {
    await pool.close();
  }
}

interface WindowFigures {
  profiles: ProfileSummary[];
  runtime: Record<string, ProcessRuntime>;
}

/**
 * Marks CPU, reads each server's loop delay and GC (and starts/stops the profiler) exactly over the measured
 * window, after the warm-up; what the servers did before it (set-up, warm-up) is kept apart.
 */
function measureWindow(ctx: BenchContext, target: BenchTarget, label: string) {
  const o = ctx.opts;
  const profiled = o.profile ? target.servers : [];
  const finished = new Promise<WindowFigures>((resolve, reject) => {
    setTimeout(() => {
      ctx.sampler.markStart();
      const before = readRuntime(target.servers);
      const started = Promise.all(profiled.map((s) => s.request('profile:start', 'bench profile started')));
      setTimeout(() => {
        ctx.sampler.markEnd();
        const during = readRuntime(target.servers);
        const profiles = started.then(() =>
          Promise.all(
            profiled.map(async (s) => {
              const file = `${ctx.outBase}.${label}.${s.name}.cpuprofile`;
              await s.request(`profile:stop ${file}`, 'bench profile written');
              return summarizeProfile(file);
            }),
          ),
        );
        Promise.all([profiles, before, during])
          .then(([p, b, d]) => {
            const runtime: Record<string, ProcessRuntime> = {};
            for (const name of new Set([...Object.keys(b), ...Object.keys(d)]))
              runtime[name] = { beforeWindow: b[name], window: d[name] };
            return { profiles: p, runtime };
          })
          .then(resolve, reject);
      }, o.durationS * 1000);
    }, o.warmupS * 1000);
  });
  // Awaited only when the load succeeds; a failed load reports its own error.
  finished.catch(() => undefined);
  return { finished };
}

function summarizeLoad(
  ctx: BenchContext,
  target: BenchTarget,
  label: string,
  conn: { workers: number; connections: number; connectMs: number; disconnects: number },
  results: LoadResult[],
  figures: WindowFigures,
  extras: LoadExtras,
): LoadSummary {
  const o = ctx.opts;
  type Counted = Exclude<
    keyof LoadResult,
    'histograms' | 'errors' | 'lostSamples' | 'reads' | 'typing' | 'perSecond'
  >;
  const sum = (k: Counted) => results.reduce((a, r) => a + r[k], 0);
  const errors: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  const perSec = (n: number) => Math.round((n / o.durationS) * 10) / 10;
  const hist = (k: keyof LoadResult['histograms']) =>
    summarize(mergeEncoded(results.map((r) => r.histograms[k])));
  const readErrors: Record<string, number> = {};
  for (const r of results)
    for (const [k, v] of Object.entries(r.reads.errors)) readErrors[k] = (readErrors[k] ?? 0) + v;
  const readSum = (k: 'sent' | 'acked' | 'ackedInWindow') => results.reduce((a, r) => a + r.reads[k], 0);
  const typingSum = (k: keyof LoadResult['typing']) => results.reduce((a, r) => a + r.typing[k], 0);
  const receipts: LoadSummary['receipts'] =
    extras.receipts || extras.typingEveryMs > 0
      ? {
          readsSent: readSum('sent'),
          readsAcked: readSum('acked'),
          readsAckedPerSec: perSec(readSum('ackedInWindow')),
          readErrors,
          receiptEventsPerSec: perSec(sum('receiptsReceivedInWindow')),
          typing: {
            sent: typingSum('sent'),
            acked: typingSum('acked'),
            received: typingSum('received'),
            errors: typingSum('errors'),
          },
        }
      : undefined;
  return {
    label,
    target: target.describe,
    ...conn,
    rate: o.rate,
    warmupS: o.warmupS,
    durationS: o.durationS,
    offeredPerSec: perSec(sum('offered')),
    sentPerSec: perSec(sum('offered') - sum('skipped')),
    ackedPerSec: perSec(sum('ackedInWindow')),
    deliveredPerSec: perSec(sum('deliveriesInWindow')),
    counts: {
      offered: sum('offered'),
      sent: sum('sent'),
      skipped: sum('skipped'),
      acked: sum('acked'),
      deliveries: sum('deliveries'),
      completeMessages: sum('completeMessages'),
      lost: sum('lost'),
      lostMessages: sum('lostMessages'),
      lostSamples: results.flatMap((r) => r.lostSamples).slice(0, 10),
      duplicates: sum('duplicates'),
      misdelivered: sum('misdelivered'),
      echoes: sum('echoes'),
      errors,
      disconnects: conn.disconnects,
    },
    receipts,
    latencyMs: {
      sendToDeliver: hist('deliver'),
      sendToAck: hist('ack'),
      sendToLastRecipient: hist('lastRecipient'),
      readToAck: hist('read'),
      generatorSendLag: hist('sendLag'),
    },
    perSecond: mergeSeconds(results.map((r) => r.perSecond)),
    serverCpuUsPerDelivered: cpuPerDelivered(
      ctx.sampler
        .stats()
        .filter((p) => p.kind === 'server')
        .reduce((a, p) => a + p.cpuSecondsMeasured, 0),
      sum('deliveriesInWindow'),
    ),
    processes: ctx.sampler.stats().map((p) =>
      p.kind === 'server'
        ? {
            ...p,
            cpuUsPerDelivered: cpuPerDelivered(p.cpuSecondsMeasured, sum('deliveriesInWindow')),
            runtime: figures.runtime[p.name],
          }
        : p,
    ),
    profiles: figures.profiles,
  };
}
