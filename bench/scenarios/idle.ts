import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeAccounts } from '../accounts';
import type { BenchContext } from '../bench-context';
import type { SocketSpec } from '../protocol';
import type { BenchTarget } from '../target';
import { ConnectSummary, WorkerPool } from '../worker-pool';
import { Failure, ScenarioOutcome, withTarget } from './outcome';

const KB = 1024;
const MB = 1024 * 1024;
const SETTLE_MS = 3000;

/** The soft open-files limit this process (and so the server it starts) runs under. */
function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

interface ProcessMemory {
  name: string;
  /** A chat node (a URL the sockets go to): the process that holds connections. */
  chat: boolean;
  rss: number;
  heapUsed: number;
  /** V8 heap committed (used + free space V8 keeps): RSS the heap holds beyond live objects. */
  heapTotal: number;
  /** Memory outside the V8 heap that JS objects own (Buffers, ArrayBuffers). */
  external: number;
  /** Open file descriptors (each held socket is one): where the connections really are. */
  fds?: number;
}

interface Memory {
  rss: number;
  /** Undefined when only /proc could be read (a deployment the bench did not start). */
  heapUsed?: number;
  afterGc: boolean;
  /** Per process the bench started (empty with --url). */
  processes: ProcessMemory[];
}

/** Server memory summed over its processes: from the bench agent after a full GC, else from /proc. */
async function serverMemory(ctx: BenchContext, target: BenchTarget): Promise<Memory> {
  if (!target.servers.length) return { rss: ctx.sampler.rssBytes('server'), afterGc: false, processes: [] };
  const answers = await Promise.all(
    target.servers.map(async (s) => {
      const line = await s.request('memory', 'bench memory');
      const m = JSON.parse(line.slice(line.indexOf('{'))) as {
        rss: number;
        heapUsed: number;
        heapTotal: number;
        external: number;
        gc: boolean;
        fds?: number;
      };
      return { ...m, name: s.name, chat: target.chatUrls.includes(s.url) };
    }),
  );
  return {
    rss: answers.reduce((a, m) => a + m.rss, 0),
    heapUsed: answers.reduce((a, m) => a + m.heapUsed, 0),
    afterGc: answers.every((m) => m.gc),
    processes: answers.map(({ name, chat, rss, heapUsed, heapTotal, external, fds }) => ({
      name,
      chat,
      rss,
      heapUsed,
      heapTotal,
      external,
      fds,
    })),
  };
}

function sharesOf(ctx: BenchContext, target: BenchTarget, users: { userId: string; token: string }[]) {
  const o = ctx.opts;
  const shares: SocketSpec[][] = Array.from({ length: o.workers }, () => []);
  for (let i = 0; i < o.connections; i++) {
    const u = users[Math.floor(i / o.devicesPerUser)];
    shares[i % o.workers].push({
      url: target.chatUrls[i % target.chatUrls.length],
      userId: u.userId,
      token: u.token,
      deviceId: `idle-${i}`,
    });
  }
  return shares;
}

function warnAboutFileLimit(ctx: BenchContext): number | undefined {
  const o = ctx.opts;
  const fdLimit = openFilesLimit();
  const perWorker = Math.ceil(o.connections / o.workers);
  // The limit is per process: each chat node holds its share of the sockets, each worker its own.
  const chatNodes = o.cluster ? 2 : Math.max(o.chatUrls.length, 1);
  const perNode = Math.ceil(o.connections / chatNodes);
  if (fdLimit !== undefined && Math.max(perNode, perWorker) + 200 > fdLimit) {
    ctx.log(
      `note: the open-files limit is ${fdLimit}; ${o.connections} connections need ${perNode} per chat node ` +
        `(and ${perWorker} per worker). Raise it first, e.g. \`ulimit -n 65536\` (the server inherits it).`,
    );
  }
  return fdLimit;
}

/**
 * C authenticated connections held for T seconds (heartbeating like real clients). Memory per connection is
 * (server memory after connecting and holding - before connecting) / C, read after a full GC when the bench
 * started the server, so it includes Socket.IO's own per-socket cost as well as ours.
 */
export async function idleScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.opts;
  const fdLimit = warnAboutFileLimit(ctx);
  return withTarget(ctx, false, async (target) => {
    const userCount = Math.ceil(o.connections / o.devicesPerUser);
    const users = await makeAccounts(target, userCount, o.registerConcurrency, (l) => ctx.log(l));
    await sleep(SETTLE_MS);
    const before = await serverMemory(ctx, target);
    const pool = new WorkerPool(o.workers);
    pool.pids.forEach((pid, i) => ctx.sampler.track(`worker-${i}`, pid, 'generator'));
    try {
      ctx.log(
        `idle: connecting ${o.connections} sockets (${users.length} users) from ${o.workers} worker(s)`,
      );
      const stopProgress = ctx.startProgress('idle', () => pool.progress());
      let conn: ConnectSummary;
      try {
        conn = await pool.connect(sharesOf(ctx, target, users), o.connectConcurrency, o.heartbeatMs);
        ctx.log(`idle: ${conn.ok} connected in ${(conn.ms / 1000).toFixed(1)} s; holding ${o.durationS} s`);
        ctx.sampler.markStart();
        await sleep(o.durationS * 1000);
        ctx.sampler.markEnd();
      } finally {
        stopProgress();
      }
      const after = await serverMemory(ctx, target);
      const held = pool.progress();
      const assigned = new Map<string, number>();
      for (const share of sharesOf(ctx, target, users))
        for (const spec of share) assigned.set(spec.url, (assigned.get(spec.url) ?? 0) + 1);
      return idleOutcome(ctx, target, { users: users.length, conn, held, before, after, fdLimit, assigned });
    } finally {
      await pool.close();
    }
  });
}

function idleOutcome(
  ctx: BenchContext,
  target: BenchTarget,
  r: {
    users: number;
    conn: ConnectSummary;
    held: { connected: number; disconnects: number };
    before: Memory;
    after: Memory;
    fdLimit?: number;
    /** Sockets sent to each chat URL. */
    assigned: Map<string, number>;
  },
): ScenarioOutcome {
  const o = ctx.opts;
  const n = Math.max(r.conn.ok, 1);
  // Per process: its own growth, and for a chat node that growth over the sockets it was given (with no
  // failed connects, the sockets it holds; its descriptor count is the server-side check).
  const perProcess = r.after.processes.map((a) => {
    const b = r.before.processes.find((p) => p.name === a.name);
    const url = target.servers.find((s) => s.name === a.name)?.url;
    const conns = a.chat && url ? (r.assigned.get(url) ?? 0) : 0;
    const rssDelta = b ? a.rss - b.rss : 0;
    const perConn = (after: number, before: number | undefined) =>
      conns && before !== undefined ? round((after - before) / conns / KB) : null;
    return {
      name: a.name,
      chat: a.chat,
      connectionsAssigned: conns,
      fdsBefore: b?.fds ?? null,
      fdsAfter: a.fds ?? null,
      rssBeforeMB: round((b?.rss ?? 0) / MB),
      rssAfterMB: round(a.rss / MB),
      rssDeltaMB: round(rssDelta / MB),
      heapDeltaMB: b ? round((a.heapUsed - b.heapUsed) / MB) : null,
      rssPerConnectionKB: conns ? round(rssDelta / conns / KB) : null,
      rssTotalPerConnectionKB: conns ? round(a.rss / conns / KB) : null,
      heapPerConnectionKB: perConn(a.heapUsed, b?.heapUsed),
      heapCommittedPerConnectionKB: perConn(a.heapTotal, b?.heapTotal),
      externalPerConnectionKB: perConn(a.external, b?.external),
    };
  });
  const chats = perProcess.filter((p) => p.chat);
  const chatRssDelta = chats.reduce((a, p) => a + p.rssDeltaMB * MB, 0);
  const heapPerConn =
    r.before.heapUsed !== undefined && r.after.heapUsed !== undefined
      ? round((r.after.heapUsed - r.before.heapUsed) / n / KB)
      : null;
  const results = {
    target: target.describe,
    connections: o.connections,
    users: r.users,
    connected: r.conn.ok,
    failed: r.conn.failed,
    firstError: r.conn.firstError,
    connectSeconds: r.conn.ms / 1000,
    connectPerSec: r.conn.ms ? Math.round((r.conn.ok * 1000) / r.conn.ms) : 0,
    holdSeconds: o.durationS,
    stillConnected: r.held.connected,
    disconnects: r.held.disconnects,
    memoryAfterGc: r.before.afterGc && r.after.afterGc,
    serverRssBeforeMB: round(r.before.rss / MB),
    serverRssAfterMB: round(r.after.rss / MB),
    serverRssPerConnectionKB: round((r.after.rss - r.before.rss) / n / KB),
    serverHeapPerConnectionKB: heapPerConn,
    chatRssPerConnectionKB: chats.length ? round(chatRssDelta / n / KB) : null,
    perProcess,
    openFilesLimit: r.fdLimit ?? null,
    processes: ctx.sampler.stats(),
  };
  const failures: Failure[] = [];
  if (r.conn.failed)
    failures.push({ kind: 'errors', message: `${r.conn.failed} connections failed: ${r.conn.firstError}` });
  if (r.held.disconnects)
    failures.push({ kind: 'errors', message: `${r.held.disconnects} connections dropped` });
  const rows: (string | number)[][] = [
    ['connections', r.conn.ok],
    ['failed', r.conn.failed],
    ['connect rate /s', results.connectPerSec],
    ['held s', o.durationS],
    ['dropped', r.held.disconnects],
    [`server rss before MB${results.memoryAfterGc ? ' (after gc)' : ''}`, results.serverRssBeforeMB],
    [`server rss after MB${results.memoryAfterGc ? ' (after gc)' : ''}`, results.serverRssAfterMB],
    ['server rss per connection KB (all processes)', results.serverRssPerConnectionKB],
    ['server js heap per connection KB', heapPerConn ?? 'n/a'],
    ...chats.map((p) => [
      `${p.name}: conns / fds before->after`,
      `${p.connectionsAssigned} / ${p.fdsBefore ?? '?'}->${p.fdsAfter ?? '?'}`,
    ]),
    ...chats.map((p) => [
      `${p.name}: rss MB before->after, per conn KB (delta / total)`,
      `${p.rssBeforeMB}->${p.rssAfterMB}, ${p.rssPerConnectionKB ?? 'n/a'} / ${p.rssTotalPerConnectionKB ?? 'n/a'}`,
    ]),
    ...chats.map((p) => [
      `${p.name}: per conn KB: js heap used / committed / external`,
      `${p.heapPerConnectionKB ?? 'n/a'} / ${p.heapCommittedPerConnectionKB ?? 'n/a'} / ${p.externalPerConnectionKB ?? 'n/a'}`,
    ]),
    ...perProcess
      .filter((p) => !p.chat)
      .map((p) => [`${p.name}: rss MB before->after`, `${p.rssBeforeMB}->${p.rssAfterMB}`]),
    ...results.processes.map((p) => [
      `${p.name} cpu s total / % of a core while held / peak rss MB`,
      `${p.cpuSeconds} / ${p.cpuPercentMeasured} / ${p.peakRssMB}`,
    ]),
  ];
  return { results, table: { columns: ['metric', 'idle'], rows }, failures };
}

const round = (n: number) => Math.round(n * 10) / 10;
