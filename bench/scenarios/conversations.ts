import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChatHttpClient, ChatSocket, Conversation } from '@chat-server/client';
import { Account, makeAccounts } from '../accounts';
import type { BenchContext } from '../bench-context';
import { nowMs } from '../bench-content';
import { LatencySummary, newHistogram, summarize } from '../histograms';
import { ProfileSummary, summarizeProfile } from '../profile-summary';
import { byId, dmChannel, forEachLimited, sendMany } from '../send-many';
import type { BenchTarget } from '../target';
import { Failure, ScenarioOutcome, Table, withTarget } from './outcome';

/** The contract's cap on an unread count (DESIGN.md section 6b). */
const UNREAD_CAP = 1000;
/** The contract's largest page of the conversation list. */
const MAX_PAGE = 100;
const SETUP_CONCURRENCY = 16;
/** Reads counted from the log in the tail phase: they stop short of the newest by fewer than the cap. */
const TAIL_GAP = 500;

interface Measurement extends LatencySummary {
  what: string;
  /** The server's CPU time over the timed calls, per call: what the figure costs, whatever else runs here. */
  serverCpuMsPerCall: number | null;
  /** What the answers were checked against, and whether they matched. */
  check: string;
}

interface Setup {
  groups: number;
  groupsPerSec: number;
  dms: number;
  unreadSent: number;
  unreadSendPerSec: number;
  /** Seconds the server stayed busy after the unread messages were acked (work queued by the sends). */
  settleSeconds: number;
}

/** Server CPU seconds from now: call the result for the CPU time spent per call of `calls`, in ms. */
function serverCpu(ctx: BenchContext): (calls: number) => number {
  const state = { t: Date.now(), cpu: 0 };
  ctx.sampler.cpuPercentSince('server', state);
  const before = state.cpu;
  return (calls) => {
    ctx.sampler.cpuPercentSince('server', state);
    return Math.round(((state.cpu - before) * 1000 * 1000) / Math.max(calls, 1)) / 1000;
  };
}

/** Times `fn` `n` times, one call after another, with the server's CPU per call; `fn` may throw. */
async function timeEach(
  ctx: BenchContext,
  n: number,
  fn: (i: number) => Promise<void>,
): Promise<LatencySummary & { serverCpuMsPerCall: number }> {
  const h = newHistogram();
  const cpu = serverCpu(ctx);
  for (let i = 0; i < n; i++) {
    const t0 = nowMs();
    await fn(i);
    h.recordValue(Math.max(1, Math.round((nowMs() - t0) * 1000)));
  }
  return { ...summarize(h), serverCpuMsPerCall: cpu(n) };
}

/** Runs a scenario step whose answers are checked; a mismatch is a failure of the run, not an exception. */
class Checks {
  readonly failures: Failure[] = [];

  expect(what: string, ok: boolean, detail: string): string {
    if (!ok) this.failures.push({ kind: 'loss', message: `${what}: ${detail}` });
    return ok ? `ok: ${detail}` : `FAILED: ${detail}`;
  }
}

/**
 * A user with N conversations (groups the user made alone, plus DMs from registered peers), then one DM with
 * M unread messages: the list's first pages and a full walk, the unread count, and reads that recount a
 * bounded stretch of the log (capped at 1,000), an exact one, and of the newest message.
 */
export async function conversationsScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.opts;
  return withTarget(ctx, false, async (target) => {
    const peersNeeded = Math.max(o.dmPeers, o.unread > 0 ? 1 : 0);
    const [user, ...peers] = await makeAccounts(target, 1 + peersNeeded, o.registerConcurrency, (l) =>
      ctx.log(l),
    );
    const http = user.http!;
    const checks = new Checks();
    const groups = o.conversations - o.dmPeers;
    const setup: Setup = {
      groups,
      groupsPerSec: 0,
      dms: o.dmPeers,
      unreadSent: 0,
      unreadSendPerSec: 0,
      settleSeconds: 0,
    };
    setup.groupsPerSec = await makeGroups(ctx, http, groups);
    await dmsFrom(target, peers.slice(0, o.dmPeers), user.userId);

    const measurements: Measurement[] = [];
    const profiled = await profiling(ctx, target, 'list', () =>
      listTimings(ctx, http, o.conversations, checks, ''),
    );
    measurements.push(...profiled.result);

    if (o.unread > 0) {
      const busy = peers[0];
      const expected = groups + peersNeeded;
      const sender = await new ChatSocket(target.chatUrls[0], {
        token: busy.token,
        deviceId: 'unread-sender',
      }).connected();
      try {
        ctx.log(`conversations: sending ${o.unread} messages into one DM`);
        const t0 = nowMs();
        const sent = await sendMany(sender, user.userId, o.unread, randomBytes(3).toString('hex'), {
          contentSize: o.contentSize,
          ackTimeoutMs: o.ackTimeoutS * 1000,
        });
        const seconds = (nowMs() - t0) / 1000;
        setup.unreadSent = sent.ids.size;
        setup.unreadSendPerSec = Math.round(sent.ids.size / seconds);
        ctx.log(`conversations: ${sent.ids.size} acked in ${seconds.toFixed(1)} s (${sent.errors} failed)`);
        if (sent.errors) checks.expect('unread setup', false, `${sent.errors} sends failed`);
        setup.settleSeconds = await settle(ctx);
        const ids = byId(sent.ids);
        const suffix = `, ${ids.length.toLocaleString('en')} unread in one`;
        measurements.push(...(await listTimings(ctx, http, expected, checks, suffix)));
        measurements.push(...(await readTimings(ctx, target, user, sender, busy, ids, http, checks)));
      } finally {
        sender.close();
      }
    }
    return outcome(ctx, target, setup, measurements, checks.failures, profiled.profiles);
  });
}

/** Below this share of a core the server counts as done with what the set-up left it. */
const SETTLED_CPU_PERCENT = 15;
const SETTLE_MAX_S = 120;

/**
 * Waits (polling the server's CPU each second: there is no event for "idle") until the work the sends queued
 * behind their acks is done, so the list is timed at rest, not against that backlog.
 */
async function settle(ctx: BenchContext): Promise<number> {
  const t0 = nowMs();
  const state = { t: Date.now(), cpu: 0 };
  ctx.sampler.cpuPercentSince('server', state);
  while (nowMs() - t0 < SETTLE_MAX_S * 1000) {
    await sleep(1000);
    const pct = ctx.sampler.cpuPercentSince('server', state);
    if (pct < SETTLED_CPU_PERCENT) break;
    ctx.log(`conversations: server still busy after the sends (${pct.toFixed(0)}% of a core)`);
  }
  const s = Math.round((nowMs() - t0) / 100) / 10;
  ctx.log(`conversations: server settled after ${s} s`);
  return s;
}

/** With --profile, CPU-profiles the servers the bench started while `fn` runs. */
async function profiling<T>(
  ctx: BenchContext,
  target: BenchTarget,
  label: string,
  fn: () => Promise<T>,
): Promise<{ result: T; profiles: ProfileSummary[] }> {
  const servers = ctx.opts.profile ? target.servers : [];
  await Promise.all(servers.map((s) => s.request('profile:start', 'bench profile started')));
  const result = await fn();
  const profiles = await Promise.all(
    servers.map(async (s) => {
      const file = `${ctx.outBase}.${label}.${s.name}.cpuprofile`;
      await s.request(`profile:stop ${file}`, 'bench profile written');
      return summarizeProfile(file);
    }),
  );
  return { result, profiles };
}

async function makeGroups(ctx: BenchContext, http: ChatHttpClient, count: number): Promise<number> {
  ctx.log(`conversations: creating ${count} groups`);
  const t0 = nowMs();
  let done = 0;
  const timer = setInterval(() => ctx.log(`creating groups: ${done}/${count}`), 2000);
  try {
    await forEachLimited(count, SETUP_CONCURRENCY, async (i) => {
      await http.createGroup({ name: `bench group ${i}`, memberIds: [] });
      done++;
    });
  } finally {
    clearInterval(timer);
  }
  const perSec = Math.round(count / Math.max((nowMs() - t0) / 1000, 0.001));
  ctx.log(`conversations: ${count} groups at ${perSec}/s`);
  return perSec;
}

/** Each peer sends the user one DM: a DM channel is in the list once it has a message. */
async function dmsFrom(target: BenchTarget, peers: Account[], to: string): Promise<void> {
  await forEachLimited(peers.length, 8, async (i) => {
    const s = await new ChatSocket(target.chatUrls[0], {
      token: peers[i].token,
      deviceId: 'dm-peer',
    }).connected();
    try {
      const ack = await s.send({ clientMsgId: `dm-${i}`, to, content: `hello from peer ${i}` });
      if (!ack.ok) throw new Error(`DM from a peer failed: ${ack.error.code}`);
    } finally {
      s.close();
    }
  });
}

/** First pages (50 and 100) `--samples` times each, and full walks by nextBefore at the contract's maximum. */
async function listTimings(
  ctx: BenchContext,
  http: ChatHttpClient,
  expected: number,
  checks: Checks,
  suffix: string,
): Promise<Measurement[]> {
  const o = ctx.opts;
  const out: Measurement[] = [];
  for (const limit of [50, MAX_PAGE]) {
    const sizes = new Set<number>();
    let top: Conversation | undefined;
    const t = await timeEach(ctx, o.samples, async () => {
      const page = await http.listConversations({ limit });
      sizes.add(page.channels.length);
      top = page.channels[0];
    });
    const want = Math.min(limit, expected);
    let check = checks.expect(
      `first page of ${limit}`,
      sizes.size === 1 && sizes.has(want),
      `${want} a page`,
    );
    if (suffix && top) {
      const unread = ctx.opts.unread;
      const cap = Math.min(unread, UNREAD_CAP);
      check += `; ${checks.expect('busy DM on top', top.unreadCount === cap, `top unreadCount ${top.unreadCount} (want ${cap})`)}`;
    }
    out.push({ what: `GET /api/channels?limit=${limit}${suffix}`, check, ...t });
    ctx.log(`conversations: first page of ${limit}${suffix}: p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms`);
  }
  // Full walks: every page timed; each walk must see every conversation once, newest activity first.
  const walks = Math.max(1, Math.round(o.samples / Math.max(1, Math.ceil(expected / MAX_PAGE))));
  const pageHist = newHistogram();
  const walkHist = newHistogram();
  let bad = '';
  const cpu = serverCpu(ctx);
  let pageCount = 0;
  for (let w = 0; w < walks; w++) {
    const seen = new Set<string>();
    let before: string | undefined;
    let lastActivity = Infinity;
    let disorder = 0;
    const w0 = nowMs();
    for (;;) {
      const t0 = nowMs();
      const page = await http.listConversations({ limit: MAX_PAGE, before });
      pageHist.recordValue(Math.max(1, Math.round((nowMs() - t0) * 1000)));
      pageCount++;
      for (const c of page.channels) {
        seen.add(c.channelId);
        const at = Date.parse(c.lastActivityAt);
        if (at > lastActivity) disorder++;
        lastActivity = at;
      }
      if (!page.nextBefore) break;
      before = page.nextBefore;
    }
    walkHist.recordValue(Math.max(1, Math.round((nowMs() - w0) * 1000)));
    if (seen.size !== expected || disorder)
      bad = `walk ${w}: ${seen.size} distinct, ${disorder} out of order`;
  }
  const walkCheck = checks.expect(
    'full walk',
    !bad,
    bad || `${expected} conversations each walk, newest first`,
  );
  const pages = { ...summarize(pageHist), serverCpuMsPerCall: cpu(pageCount) };
  const whole = summarize(walkHist);
  out.push({ what: `  each page of a full walk (limit ${MAX_PAGE})${suffix}`, check: walkCheck, ...pages });
  out.push({
    what: `  the full walk, ${Math.ceil(expected / MAX_PAGE)} pages${suffix}`,
    check: '',
    ...whole,
    serverCpuMsPerCall: null,
  });
  ctx.log(
    `conversations: ${walks} full walks${suffix}: page p99 ${pages.p99Ms} ms, walk p50 ${whole.p50Ms} ms`,
  );
  return out;
}

/**
 * Socket `read`s of the busy DM by its recipient, in marker order: from the middle (each recount stops at the
 * cap), then within the last 1,000 (an exact recount, checked against the list), then the newest (no count),
 * repeated with one new message each time.
 */
async function readTimings(
  ctx: BenchContext,
  target: BenchTarget,
  user: Account,
  sender: ChatSocket,
  busy: Account,
  ids: string[],
  http: ChatHttpClient,
  checks: Checks,
): Promise<Measurement[]> {
  const o = ctx.opts;
  const n = ids.length;
  const channelId = dmChannel(user.userId, busy.userId);
  const reader = await new ChatSocket(target.chatUrls[0], {
    token: user.token,
    deviceId: 'reader',
  }).connected();
  const out: Measurement[] = [];
  const unreadNow = async () =>
    (await http.listConversations({ limit: 1 })).channels.find((c) => c.channelId === channelId)?.unreadCount;
  const read = async (messageId: string) => {
    const ack = await reader.read({ channelId, messageId }, o.ackTimeoutS * 1000);
    if (!ack.ok) throw new Error(`read failed: ${ack.error.code} ${ack.error.message}`);
  };
  try {
    // Middle: a marker at least the cap short of the newest; the server counts up to the cap and stops.
    const mid = Math.floor(n / 2);
    const midCount = Math.max(0, Math.min(o.samples, n - UNREAD_CAP - mid));
    let last = -1;
    if (midCount > 0) {
      const t = await timeEach(ctx, midCount, (i) => read(ids[mid + i]));
      last = mid + midCount - 1;
      const u = await unreadNow();
      out.push({
        what: `read in the middle (recount stops at ${UNREAD_CAP})`,
        check: checks.expect('capped recount', u === UNREAD_CAP, `unreadCount ${u} (want ${UNREAD_CAP})`),
        ...t,
      });
    }
    // Tail: markers fewer than the cap short of the newest; each recount is exact.
    const tailFrom = Math.max(last + 1, n - TAIL_GAP - o.samples);
    const tailCount = Math.max(0, Math.min(o.samples, n - 1 - tailFrom));
    if (tailCount > 0) {
      const t = await timeEach(ctx, tailCount, (i) => read(ids[tailFrom + i]));
      last = tailFrom + tailCount - 1;
      const u = await unreadNow();
      const want = n - 1 - last;
      out.push({
        what: `read ${want}-${want + tailCount - 1} short of the newest (exact recount)`,
        check: checks.expect('exact recount', u === want, `unreadCount ${u} (want ${want})`),
        ...t,
      });
    }
    // Newest: nothing after it to count. Then a new message and a read of it, `--samples` times.
    const first = await timeEach(ctx, 1, () => read(ids[n - 1]));
    const u0 = await unreadNow();
    out.push({
      what: 'read of the newest (count 0)',
      check: checks.expect('read of the newest', u0 === 0, `unreadCount ${u0} (want 0)`),
      ...first,
    });
    const h = newHistogram();
    for (let i = 0; i < o.samples; i++) {
      const ack = await sender.send({ clientMsgId: `more-${i}`, to: user.userId, content: `one more ${i}` });
      if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
      const t0 = nowMs();
      await read(ack.message.id);
      h.recordValue(Math.max(1, Math.round((nowMs() - t0) * 1000)));
    }
    const u1 = await unreadNow();
    out.push({
      what: 'read of a new newest message, one at a time',
      check: checks.expect('read of each new message', u1 === 0, `unreadCount ${u1} (want 0)`),
      ...summarize(h),
      // The server's CPU here would include each send's: left out.
      serverCpuMsPerCall: null,
    });
  } finally {
    reader.close();
  }
  return out;
}

function outcome(
  ctx: BenchContext,
  target: BenchTarget,
  setup: Setup,
  measurements: Measurement[],
  failures: Failure[],
  profiles: ProfileSummary[],
): ScenarioOutcome {
  const table: Table = {
    columns: ['measurement', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'server cpu ms/call', 'check'],
    rows: [
      ...measurements.map((m) => [
        m.what,
        m.count,
        m.p50Ms,
        m.p99Ms,
        m.maxMs,
        m.serverCpuMsPerCall ?? '',
        m.check,
      ]),
      [`setup: ${setup.groups} groups created/s`, '', '', '', '', '', setup.groupsPerSec],
      ...(setup.unreadSent
        ? [
            [
              `setup: ${setup.unreadSent} unread sent msg/s (one socket)`,
              '',
              '',
              '',
              '',
              '',
              setup.unreadSendPerSec,
            ],
            ['setup: seconds the server stayed busy after them', '', '', '', '', '', setup.settleSeconds],
          ]
        : []),
    ],
  };
  return {
    results: {
      target: target.describe,
      conversations: ctx.opts.conversations,
      dmPeers: ctx.opts.dmPeers,
      unread: ctx.opts.unread,
      samples: ctx.opts.samples,
      setup,
      measurements,
      processes: ctx.sampler.stats(),
      runs: profiles.length ? [{ label: 'conversations list', profiles }] : [],
    },
    table,
    failures,
  };
}
