import { randomBytes } from 'node:crypto';
import { ChatSocket } from '@chat-server/client';
import { makeAccounts } from '../accounts';
import type { BenchContext } from '../bench-context';
import { nowMs } from '../bench-content';
import { dmChannel, sendMany } from '../send-many';
import type { BenchTarget } from '../target';
import { Failure, ScenarioOutcome, withTarget } from './outcome';

const SEND_WINDOW = 64;

interface Round {
  sent: number;
  acked: number;
  sendErrors: number;
  /** Edits, reactions and deletes that changed a message (each one change-log entry). */
  changes: number;
  sendSeconds: number;
  /** Reconnect plus every sync page until hasMore is false: the time a user waits to be caught up. */
  drainMs: number;
  connectMs: number;
  pages: number;
  received: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  /** Deleted messages whose last synced copy was not a tombstone. */
  stale: number;
  serverCpuSecondsDuringDrain: number;
}

/**
 * `count` changes of the sent messages, mixed: passes over the messages alternate edits and reactions (a new
 * emoji each pass), and the last tenth are deletes of distinct messages. Resolves with the ids deleted and
 * the number of changes acked.
 */
async function changeMany(s: ChatSocket, channelId: string, ids: string[], count: number) {
  const deletes = Math.min(Math.floor(count / 10), ids.length);
  const plan = Array.from({ length: count - deletes }, (_, i) => {
    const pass = Math.floor(i / ids.length);
    const messageId = ids[i % ids.length];
    return pass % 2 === 0
      ? () => s.edit({ channelId, messageId, content: `edit ${pass} of ${messageId}` }, 30_000)
      : () => s.react({ channelId, messageId, emoji: `r${pass}` }, 30_000);
  });
  const deleted = ids.slice(ids.length - deletes);
  for (const messageId of deleted) plan.push(() => s.delete({ channelId, messageId }, 30_000));
  let next = 0;
  let acked = 0;
  const chain = async () => {
    while (next < plan.length) {
      const ack = await plan[next++]().catch(() => undefined);
      if (ack?.ok) acked++;
    }
  };
  await Promise.all(Array.from({ length: SEND_WINDOW }, chain));
  return { acked, deleted: new Set(deleted) };
}

/**
 * A device goes offline, N messages are sent to its user (and with --changes, M of them are then edited,
 * reacted to and deleted), and it reconnects and pages through `sync`
 * (page size 500) until caught up. Drain time runs from the reconnect to the last page.
 */
export async function syncScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.opts;
  return withTarget(ctx, false, async (target) => {
    const [sender, recipient] = await makeAccounts(target, 2, 2, (l) => ctx.log(l));
    const recipientUrl = target.chatUrls[0];
    const device = () =>
      new ChatSocket(recipientUrl, { token: recipient.token, deviceId: 'sync-device' }).connected();
    const first = await device();
    const start = await first.sync({ limit: 1 });
    if (!start.ok) throw new Error(`sync failed: ${start.error.code}`);
    // A fresh user: the inbox is empty and the cursor is where the device will resume.
    let cursor = start.cursor;
    first.close();

    const out = await new ChatSocket(target.chatUrls[1 % target.chatUrls.length], {
      token: sender.token,
      deviceId: 'sync-sender',
    }).connected();
    const rounds: Round[] = [];
    const tag = randomBytes(3).toString('hex');
    try {
      for (let r = 0; r < o.rounds; r++) {
        ctx.log(`sync round ${r + 1}: sending ${o.messages} messages to an offline device`);
        const t0 = nowMs();
        const sent = await sendMany(out, recipient.userId, o.messages, `${tag}.${r}`, {
          contentSize: o.contentSize,
          ackTimeoutMs: o.ackTimeoutS * 1000,
        });
        const sendSeconds = (nowMs() - t0) / 1000;
        const changed = o.changes
          ? await changeMany(out, dmChannel(sender.userId, recipient.userId), [...sent.ids], o.changes)
          : { acked: 0, deleted: new Set<string>() };
        if (o.changes) ctx.log(`sync round ${r + 1}: ${changed.acked} changes acked`);
        const drained = await drain(ctx, device, cursor, sent.ids, changed.deleted, o.changes > 0);
        cursor = drained.cursor;
        rounds.push({
          sent: o.messages,
          acked: sent.ids.size,
          sendErrors: sent.errors,
          changes: changed.acked,
          sendSeconds: Math.round(sendSeconds * 100) / 100,
          ...drained.round,
        });
        ctx.log(
          `sync round ${r + 1}: sent in ${sendSeconds.toFixed(1)} s; drained ${drained.round.received} ` +
            `in ${drained.round.drainMs} ms (${drained.round.pages} pages)`,
        );
      }
    } finally {
      out.close();
    }
    return syncOutcome(ctx, target, rounds);
  });
}

function syncOutcome(ctx: BenchContext, target: BenchTarget, rounds: Round[]): ScenarioOutcome {
  const o = ctx.opts;
  const drains = rounds.map((r) => r.drainMs).sort((a, b) => a - b);
  const median = drains[Math.floor(drains.length / 2)];
  const failures: Failure[] = [];
  const lost = rounds.reduce((a, r) => a + r.lost, 0);
  const dups = rounds.reduce((a, r) => a + r.duplicates, 0);
  const errors = rounds.reduce((a, r) => a + r.sendErrors, 0);
  if (lost) failures.push({ kind: 'loss', message: `${lost} acked messages missing from sync` });
  if (dups) failures.push({ kind: 'loss', message: `${dups} messages twice in one sync page` });
  const stale = rounds.reduce((a, r) => a + r.stale, 0);
  if (stale) failures.push({ kind: 'loss', message: `${stale} deleted messages not synced as tombstones` });
  if (errors) failures.push({ kind: 'errors', message: `${errors} sends failed` });
  const results = {
    target: target.describe,
    messages: o.messages,
    pageSize: o.pageSize,
    rounds,
    medianDrainMs: median,
    processes: ctx.sampler.stats(),
  };
  const rows: (string | number)[][] = [
    ['messages per round', o.messages],
    ['changes per round', rounds.map((r) => r.changes).join(' ')],
    ['change-log entries per round', rounds.map((r) => r.acked + r.changes).join(' ')],
    ['send msg/s (setup)', Math.round(o.messages / (rounds[0]?.sendSeconds || 1))],
    ['drain ms (median)', median],
    ['drain ms (each round)', drains.join(' ')],
    ['reconnect ms', rounds.map((r) => r.connectMs).join(' ')],
    ['pages', rounds.map((r) => r.pages).join(' ')],
    ['drained msg/s', Math.round((o.messages * 1000) / Math.max(median, 1))],
    ['server cpu s during drain', rounds.map((r) => r.serverCpuSecondsDuringDrain).join(' ')],
    ['lost', lost],
    ['duplicates', dups],
    ['out of order', rounds.reduce((a, r) => a + r.outOfOrder, 0)],
  ];
  return { results, table: { columns: ['metric', 'sync'], rows }, failures };
}

async function drain(
  ctx: BenchContext,
  device: () => Promise<ChatSocket>,
  after: string,
  expected: Set<string>,
  deleted: Set<string>,
  changed: boolean,
): Promise<{
  cursor: string;
  round: Omit<Round, 'sent' | 'acked' | 'sendErrors' | 'sendSeconds' | 'changes'>;
}> {
  const cpu = { t: Date.now(), cpu: 0 };
  ctx.sampler.cpuPercentSince('server', cpu);
  const cpuBefore = cpu.cpu;
  const t0 = nowMs();
  const s = await device();
  const connectMs = nowMs() - t0;
  const seen = new Set<string>();
  let duplicates = 0;
  let outOfOrder = 0;
  let pages = 0;
  let cursor = after;
  let last = BigInt(after);
  const lastCopy = new Map<string, boolean>();
  // Bounded: never more pages than the entries could fill, plus slack.
  const maxPages = Math.ceil((expected.size + ctx.opts.changes) / ctx.opts.pageSize) + 10;
  try {
    for (; pages < maxPages;) {
      const page = await s.sync({ after: cursor, limit: ctx.opts.pageSize }, 30_000);
      if (!page.ok) throw new Error(`sync failed: ${page.error.code} ${page.error.message}`);
      pages++;
      const inPage = new Set<string>();
      for (const m of page.messages) {
        // Without changes every message is in one page, in id order; with them a message is in the page of
        // its latest change, at most once a page.
        if (changed ? inPage.has(m.id) : seen.has(m.id)) duplicates++;
        inPage.add(m.id);
        seen.add(m.id);
        lastCopy.set(m.id, m.deletedAt !== undefined);
        const id = BigInt(m.id);
        if (!changed && id <= last) outOfOrder++;
        last = id;
      }
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
  } finally {
    s.close();
  }
  const drainMs = Math.round(nowMs() - t0);
  ctx.sampler.cpuPercentSince('server', cpu);
  let lost = 0;
  for (const id of expected) if (!seen.has(id)) lost++;
  let stale = 0;
  for (const id of deleted) if (!lastCopy.get(id)) stale++;
  return {
    cursor,
    round: {
      drainMs,
      connectMs: Math.round(connectMs),
      pages,
      received: seen.size,
      lost,
      duplicates,
      outOfOrder,
      stale,
      serverCpuSecondsDuringDrain: Math.round((cpu.cpu - cpuBefore) * 100) / 100,
    },
  };
}
