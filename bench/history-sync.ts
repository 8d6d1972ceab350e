/**
 * Sync-shaped reads of the history adapters: one user's change log of `--changes` entries of mixed kinds
 * (new messages in `--channels` DMs, then edits, reactions and erasing deletes of them), read as sync pages
 * through it: `changesAfter` pages of `--page` entries, each followed by one `getMessages` of the page's
 * distinct messages. Times the read only; writing the log is set-up.
 *
 *   node dist-bench/bench/history-sync.js [--adapter cassandra|sqlite] [--changes 10000] [--page 500] [--channels 50]
 *
 * Environment and throwaway stores as in history-writes.ts. Prints JSON.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { SnowflakeGenerator } from '../src/ids/snowflake';
import { dmChannelId } from '../src/messaging/channel-id';
import type { ChangeEntry, ChangeKind, HistoryStore } from '../src/messaging/history/history.store';
import type { Message } from '../src/messaging/message';
import { openTarget } from './history-targets';

const SETUP_CONCURRENCY = 32;

/** Writes the log: 40% new messages, then 20% each of edits, reactions and deletes of them, in that order. */
async function writeLog(store: HistoryStore, user: string, changes: number, channels: number) {
  const ids = new SnowflakeGenerator(2);
  const peers = Array.from({ length: channels }, () => randomUUID());
  const news = Math.ceil(changes * 0.4);
  const messages: Message[] = Array.from({ length: news }, (_, i) => ({
    id: ids.next().toString(),
    channelId: dmChannelId(user, peers[i % channels]),
    channelType: 'dm',
    senderId: peers[i % channels],
    content: `sync bench message ${i} `.padEnd(120, 'x'),
    clientMsgId: randomUUID(),
    createdAt: new Date().toISOString(),
  }));
  await forEach(messages, async (m) => {
    await Promise.all([store.saveMessage(m), store.addToInboxes([user], m)]);
  });
  const rest = changes - news;
  const kinds: ChangeKind[] = ['edit', 'reaction', 'delete'];
  const later = Array.from({ length: rest }, (_, i) => ({
    kind: kinds[Math.floor((i * kinds.length) / rest)],
    m: messages[i % news],
    changeId: ids.next().toString(),
  }));
  await forEach(later, async ({ kind, m, changeId }) => {
    const at = new Date().toISOString();
    if (kind === 'edit') await store.updateContent(m.channelId, m.id, { content: 'edited', editedAt: at });
    if (kind === 'delete') await store.updateContent(m.channelId, m.id, { content: '', deletedAt: at });
    if (kind === 'reaction')
      await store.setReaction(
        { channelId: m.channelId, id: m.id },
        { emoji: '👍', userId: user, active: true, changeId },
      );
    const entry: ChangeEntry = {
      changeId,
      kind,
      channelId: m.channelId,
      channelType: 'dm',
      messageId: m.id,
    };
    await store.appendChange([user], entry);
  });
}

async function readLog(store: HistoryStore, user: string, page: number) {
  let after: string | undefined;
  let entries = 0;
  let pages = 0;
  let messages = 0;
  const t0 = performance.now();
  for (;;) {
    const changes = await store.changesAfter(user, after, page);
    if (!changes.length) break;
    const refs = new Map(changes.map((e) => [e.messageId, { channelId: e.channelId, id: e.messageId }]));
    messages += (await store.getMessages([...refs.values()])).length;
    entries += changes.length;
    pages++;
    after = changes[changes.length - 1].changeId;
  }
  return { seconds: Number(((performance.now() - t0) / 1000).toFixed(3)), entries, pages, messages };
}

async function forEach<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, lane));
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error', 'warn']); // keep stdout for the JSON
  const { values } = parseArgs({
    options: {
      adapter: { type: 'string', default: 'cassandra' },
      changes: { type: 'string', default: '10000' },
      page: { type: 'string', default: '500' },
      channels: { type: 'string', default: '50' },
    },
  });
  const [changes, page, channels] = [values.changes, values.page, values.channels].map(Number);
  if (!(changes > 0) || !(page > 0) || !(channels > 0))
    throw new Error('--changes, --page and --channels must be positive numbers');
  const target = await openTarget(values.adapter);
  try {
    const user = randomUUID();
    await writeLog(target.store, user, changes, channels);
    const first = await readLog(target.store, user, page); // cold: prepares statements, fills caches
    const second = await readLog(target.store, user, page);
    console.log(
      JSON.stringify(
        { node: process.version, adapter: target.adapter, ...target.details, changes, page, first, second },
        null,
        2,
      ),
    );
  } finally {
    await target.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
