import { randomBytes } from 'node:crypto';
import { ChatSocket } from '@chat-server/client';
import { Account, makeAccounts } from '../accounts';
import type { BenchContext } from '../bench-context';
import { nowMs } from '../bench-content';
import { LatencySummary, newHistogram, summarize } from '../histograms';
import type { ProcessStats } from '../proc-stats';
import { byId, dmChannel, forEachLimited, sendMany } from '../send-many';
import type { BenchTarget } from '../target';
import { Failure, ScenarioOutcome, withTarget } from './outcome';

/** Users whose DM is filled at once in the set-up (each with sendMany's window of sends in flight). */
const FILL_CONCURRENCY = 4;

/** One user's walk: its socket, its DM, the messages its partner sent it (in id order) and how far it got. */
interface Walker {
  account: Account;
  socket: ChatSocket;
  channelId: string;
  ids: string[];
  next: number;
  /** Highest position whose read was acked: the marker the server must hold at the end. */
  highestAcked: number;
}

interface ReadCounts {
  sent: number;
  acked: number;
  ackedInWindow: number;
  receiptsInWindow: number;
  errors: Record<string, number>;
  exhausted: number;
}

/**
 * `read` events one chat node sustains: P pairs of users, each user's DM holding K messages from its partner;
 * every user walks its read marker forward through them one message at a time over the socket, `--window`
 * reads in flight, for warm-up + duration. Each read recounts the rest of the DM up to the 1,000 cap, so the
 * figure holds for reads that stop short of the newest; `--messages` small makes them cheap.
 */
export async function readsScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.opts;
  return withTarget(ctx, false, async (target) => {
    const users = await makeAccounts(target, o.pairs * 2, o.registerConcurrency, (l) => ctx.log(l));
    const walkers = await connect(ctx, target, users);
    try {
      await fill(ctx, walkers);
      ctx.sampler.track('bench (generator)', process.pid, 'generator');
      const counts: ReadCounts = {
        sent: 0,
        acked: 0,
        ackedInWindow: 0,
        receiptsInWindow: 0,
        errors: {},
        exhausted: 0,
      };
      const latency = await walk(ctx, walkers, counts);
      const markers = await checkMarkers(ctx, target, walkers);
      return outcome(ctx, target, counts, latency, markers);
    } finally {
      for (const w of walkers) w.socket.close();
    }
  });
}

async function connect(ctx: BenchContext, target: BenchTarget, users: Account[]): Promise<Walker[]> {
  const walkers: Walker[] = new Array<Walker>(users.length);
  await forEachLimited(users.length, ctx.opts.connectConcurrency, async (i) => {
    const account = users[i];
    const partner = users[i ^ 1];
    const socket = await new ChatSocket(target.chatUrls[i % target.chatUrls.length], {
      token: account.token,
      deviceId: `reader-${i}`,
    }).connected();
    walkers[i] = {
      account,
      socket,
      channelId: dmChannel(account.userId, partner.userId),
      ids: [],
      next: 0,
      highestAcked: -1,
    };
  });
  return walkers;
}

/** Each user sends its partner `--messages` DMs; the partner will read them. */
async function fill(ctx: BenchContext, walkers: Walker[]): Promise<void> {
  const o = ctx.opts;
  const tag = randomBytes(3).toString('hex');
  ctx.log(`reads: each of ${walkers.length} users sends ${o.messages} messages to its partner`);
  const t0 = nowMs();
  let failed = 0;
  await forEachLimited(walkers.length, FILL_CONCURRENCY, async (i) => {
    const partner = walkers[i ^ 1];
    const sent = await sendMany(walkers[i].socket, partner.account.userId, o.messages, `${tag}.${i}`, {
      contentSize: o.contentSize,
      ackTimeoutMs: o.ackTimeoutS * 1000,
    });
    failed += sent.errors;
    partner.ids = byId(sent.ids);
  });
  const total = walkers.length * o.messages;
  const s = (nowMs() - t0) / 1000;
  ctx.log(
    `reads: ${total - failed} messages in ${s.toFixed(1)} s (${Math.round(total / s)}/s), ${failed} failed`,
  );
  if (failed) throw new Error(`${failed} set-up sends failed`);
}

/** Every walker keeps `--window` reads in flight until the measured window closes or its DM runs out. */
async function walk(ctx: BenchContext, walkers: Walker[], counts: ReadCounts): Promise<LatencySummary> {
  const o = ctx.opts;
  const hist = newHistogram();
  const start = nowMs();
  const measureFrom = start + o.warmupS * 1000;
  const stopAt = measureFrom + o.durationS * 1000;
  const inWindow = (t: number) => t >= measureFrom && t <= stopAt;
  for (const w of walkers)
    w.socket.onRead(() => {
      if (inWindow(nowMs())) counts.receiptsInWindow++;
    });
  const marks = setTimeout(() => ctx.sampler.markStart(), o.warmupS * 1000);
  const endMark = setTimeout(() => ctx.sampler.markEnd(), (o.warmupS + o.durationS) * 1000);
  const stopProgress = ctx.startProgress('reads', () => ({
    connected: walkers.filter((w) => w.socket.socket.connected).length,
    disconnects: walkers.filter((w) => !w.socket.socket.connected).length,
    offered: counts.sent,
    acked: counts.acked,
    delivered: 0,
    errors: Object.values(counts.errors).reduce((a, b) => a + b, 0),
    inflight: counts.sent - counts.acked,
    reads: counts.acked,
  }));
  const chain = async (w: Walker) => {
    while (nowMs() < stopAt) {
      // The DM is read to its end: this user is done (counted as exhausted below).
      if (w.next >= w.ids.length) return;
      const position = w.next++;
      const t0 = nowMs();
      counts.sent++;
      const ack = await w.socket
        .read({ channelId: w.channelId, messageId: w.ids[position] }, o.ackTimeoutS * 1000)
        .catch(() => undefined);
      const t = nowMs();
      if (!ack?.ok) {
        const code = ack ? ack.error.code : 'ack_timeout';
        counts.errors[code] = (counts.errors[code] ?? 0) + 1;
        continue;
      }
      counts.acked++;
      w.highestAcked = Math.max(w.highestAcked, position);
      if (inWindow(t)) counts.ackedInWindow++;
      if (inWindow(t0)) hist.recordValue(Math.max(1, Math.round((t - t0) * 1000)));
    }
  };
  try {
    await Promise.all(walkers.flatMap((w) => Array.from({ length: o.window }, () => chain(w))));
  } finally {
    stopProgress();
    clearTimeout(marks);
    clearTimeout(endMark);
  }
  // Every chain stops at stopAt, so both marks have fired unless the DMs ran out first.
  if (nowMs() < stopAt) ctx.sampler.markEnd();
  counts.exhausted = walkers.filter((w) => w.next >= w.ids.length).length;
  return summarize(hist);
}

/** The marker each user's list shows must be the highest read acked: forward-only, none lost. */
async function checkMarkers(ctx: BenchContext, target: BenchTarget, walkers: Walker[]) {
  let wrong = 0;
  let sample = '';
  await forEachLimited(walkers.length, 8, async (i) => {
    const w = walkers[i];
    const page = await w.account.http!.listConversations({ limit: 10 });
    const c = page.channels.find((x) => x.channelId === w.channelId);
    const want = w.highestAcked >= 0 ? w.ids[w.highestAcked] : null;
    if (c?.readUpTo !== want) {
      wrong++;
      sample ||= `${w.account.userId}: readUpTo ${c?.readUpTo} (want ${want})`;
    }
  });
  ctx.log(`reads: markers checked on ${target.apiUrl}: ${wrong} wrong`);
  return { wrong, sample };
}

function outcome(
  ctx: BenchContext,
  target: BenchTarget,
  counts: ReadCounts,
  latency: LatencySummary,
  markers: { wrong: number; sample: string },
): ScenarioOutcome {
  const o = ctx.opts;
  const processes = ctx.sampler.stats();
  const cpu = (kind: ProcessStats['kind']) =>
    processes.filter((p) => p.kind === kind).reduce((a, p) => a + p.cpuPercentMeasured, 0);
  const cpuSeconds = processes
    .filter((p) => p.kind === 'server')
    .reduce((a, p) => a + p.cpuSecondsMeasured, 0);
  const readsPerSec = Math.round((counts.ackedInWindow / o.durationS) * 10) / 10;
  const errors = Object.values(counts.errors).reduce((a, b) => a + b, 0);
  const failures: Failure[] = [];
  if (markers.wrong)
    failures.push({
      kind: 'loss',
      message: `${markers.wrong} read markers not at the highest acked read: ${markers.sample}`,
    });
  if (errors)
    failures.push({
      kind: 'errors',
      message: `read errors ${Object.entries(counts.errors)
        .map(([k, n]) => `${k}=${n}`)
        .join(' ')}`,
    });
  if (counts.exhausted)
    failures.push({
      kind: 'errors',
      message: `${counts.exhausted} users read all their messages before the window closed: raise --messages`,
    });
  const rows: (string | number)[][] = [
    ['users (sockets)', o.pairs * 2],
    ['messages per DM', o.messages],
    ['reads in flight per user', o.window],
    ['reads acked/s', readsPerSec],
    ['read->ack p50 ms', latency.p50Ms],
    ['read->ack p90 ms', latency.p90Ms],
    ['read->ack p99 ms', latency.p99Ms],
    ['read->ack max ms', latency.maxMs],
    ['receipt events received/s', Math.round((counts.receiptsInWindow / o.durationS) * 10) / 10],
    ['reads acked', counts.acked],
    ['read errors', errors],
    ['markers not at the highest acked read', markers.wrong],
    ['server cpu % of a core', Math.round(cpu('server'))],
    ['server cpu us per acked read', Math.round((cpuSeconds * 1e6) / Math.max(counts.ackedInWindow, 1))],
    ['generator cpu % of a core (in the bench process)', Math.round(cpu('generator'))],
  ];
  return {
    results: {
      target: target.describe,
      pairs: o.pairs,
      messagesPerDm: o.messages,
      window: o.window,
      warmupS: o.warmupS,
      durationS: o.durationS,
      readsAckedPerSec: readsPerSec,
      counts,
      latencyMs: { readToAck: latency },
      markersWrong: markers.wrong,
      processes,
    },
    table: { columns: ['metric', 'reads'], rows },
    failures,
  };
}
