/**
 * Write rate of the history adapters on this machine. One message = its channel row plus the inbox rows of
 * sender and recipient, written as the 1-on-1 send path does (both calls at once).
 *
 *   node dist-bench/bench/history-writes.js [--adapter cassandra|sqlite|all] [--messages 5000] [--concurrency 64]
 *
 * The Cassandra run reads CASSANDRA_* from the environment (contact points required), uses a throwaway
 * keyspace and drops it afterwards. The SQLite run uses a fresh embedded store in a temp dir. Prints JSON.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { SnowflakeGenerator } from '../src/ids/snowflake';
import type { HistoryStore } from '../src/messaging/history/history.store';
import { dmChannelId } from '../src/messaging/channel-id';
import type { Message } from '../src/messaging/message';
import { openTarget, Target } from './history-targets';

const WARMUP = 500;
const USERS = 2000;

function messages(n: number): { message: Message; inboxes: string[] }[] {
  const ids = new SnowflakeGenerator(1);
  const users = Array.from({ length: USERS }, () => randomUUID());
  return Array.from({ length: n }, (_, i) => {
    const [a, b] = [users[i % USERS], users[(i * 7 + 1) % USERS]];
    const recipient = a === b ? users[(i + 1) % USERS] : b;
    const message: Message = {
      id: ids.next().toString(),
      channelId: dmChannelId(a, recipient),
      channelType: 'dm',
      senderId: a,
      content: `bench message ${i} `.padEnd(120, 'x'),
      clientMsgId: randomUUID(),
      createdAt: new Date().toISOString(),
    };
    return { message, inboxes: [a, recipient] };
  });
}

async function writeAll(
  store: HistoryStore,
  batch: ReturnType<typeof messages>,
  concurrency: number,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < batch.length) {
      const { message, inboxes } = batch[next++];
      const t0 = performance.now();
      await Promise.all([store.saveMessage(message), store.addToInboxes(inboxes, message)]);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return latencies;
}

async function measure(target: Target, n: number, concurrency: number) {
  await writeAll(target.store, messages(WARMUP), concurrency);
  const batch = messages(n);
  const t0 = performance.now();
  const latencies = await writeAll(target.store, batch, concurrency);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((x, y) => x - y);
  const pct = (p: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2));
  return {
    adapter: target.adapter,
    ...target.details,
    messages: n,
    concurrency,
    seconds: Number(seconds.toFixed(3)),
    messagesPerSecond: Math.round(n / seconds),
    historyRowsPerSecond: Math.round((3 * n) / seconds),
    latencyMs: { p50: pct(0.5), p99: pct(0.99), max: pct(1) },
  };
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error', 'warn']); // keep stdout for the JSON
  const { values } = parseArgs({
    options: {
      adapter: { type: 'string', default: 'all' },
      messages: { type: 'string', default: '5000' },
      concurrency: { type: 'string', default: '64' },
    },
  });
  const n = Number(values.messages);
  const concurrency = Number(values.concurrency);
  if (!(n > 0) || !(concurrency > 0))
    throw new Error('--messages and --concurrency must be positive numbers');
  const adapters = values.adapter === 'all' ? ['cassandra', 'sqlite'] : [values.adapter];
  const results = [];
  for (const adapter of adapters) {
    const target = await openTarget(adapter);
    try {
      results.push(await measure(target, n, concurrency));
    } finally {
      await target.close();
    }
  }
  console.log(JSON.stringify({ node: process.version, results }, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
