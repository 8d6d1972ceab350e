import { Logger } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/app-config';
import { BullmqJobQueue } from '../../src/queue/bullmq-job-queue';
import { InMemoryJobQueue } from '../../src/queue/in-memory-job-queue';
import type { JobMeta } from '../../src/queue/job-queue';
import { RedisService } from '../../src/redis/redis.service';
import { describeWith } from '../support/services';
import { deferred, fanout, jobQueueContract, until, withTimeout } from './job-queue.contract';

// The adapters log every retry and failure, which these tests cause on purpose.
Logger.overrideLogger(false);

/**
 * Short locks so that a killed worker's job is recovered within about lockDuration + stalledInterval = 3 s
 * (production uses 10 s + 5 s, see BULLMQ_DEFAULTS).
 */
const TEST_TIMING = { lockDurationMs: 2_000, stalledIntervalMs: 1_000 };

describe('job queue contract: in-process adapter', () => {
  jobQueueContract((opts) => new InMemoryJobQueue(opts));
});

describeWith(['redis'], 'job queue contract: BullMQ adapter on Redis', ({ redis: url }) => {
  // Every queue of this run lives under its own prefix, deleted afterwards.
  const run = `test:jq:${process.pid}-${Date.now().toString(36)}`;
  let redis: RedisService;
  let n = 0;
  beforeAll(() => {
    redis = new RedisService(
      loadConfig({ REDIS_URL: url, JWT_SECRET: 'job-queue-contract-secret-0123456789abcdef' }),
    );
  });
  afterAll(async () => {
    await deleteKeys(redis.client, `${run}:*`);
    await redis.onApplicationShutdown();
  });

  jobQueueContract((opts) => new BullmqJobQueue(redis, { ...TEST_TIMING, ...opts, prefix: `${run}:${++n}` }));

  it('a job whose worker process was killed mid-run is completed by a new worker', async () => {
    const prefix = `${run}:crash`;
    const producer = new BullmqJobQueue(redis, { prefix });
    const child = crashWorker(url, prefix);
    try {
      await child.next('ready');
      await producer.add('fanout', fanout('9'), { jobId: 'crash-me' });
      expect(await child.next('started')).toEqual({ started: 'crash-me', attempt: 1 });
      child.proc.kill('SIGKILL');
      await child.exited;

      const successor = new BullmqJobQueue(redis, { prefix, ...TEST_TIMING });
      const done = deferred<JobMeta>();
      successor.registerProcessor('fanout', async (_payload, meta) => done.resolve(meta));
      await successor.start();
      try {
        // A crash is not a failed attempt: the job runs again as attempt 1.
        expect(await withTimeout(done.promise, 15_000, 'the killed worker’s job to run again')).toEqual({
          attempt: 1,
          jobId: 'crash-me',
        });
        await until(async () => (await producer.counts('fanout')).completed === 1, 'the job to complete');
      } finally {
        await successor.close();
      }
    } finally {
      child.proc.kill('SIGKILL');
      await producer.close();
    }
  });
});

const CRASH_WORKER = join(__dirname, 'job-queue-crash-worker.js');
const BUILT_ADAPTER = join(__dirname, '..', '..', 'dist', 'queue', 'bullmq-job-queue.js');

/** Starts test/contract/job-queue-crash-worker.js and reads the JSON lines it prints. */
function crashWorker(redisUrl: string, prefix: string) {
  if (!existsSync(BUILT_ADAPTER)) throw new Error(`${BUILT_ADAPTER} is missing: run \`npm run build\` first`);
  const proc: ChildProcess = spawn(process.execPath, [CRASH_WORKER], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: redisUrl,
      JOB_QUEUE_PREFIX: prefix,
      JOB_QUEUE_LOCK_MS: String(TEST_TIMING.lockDurationMs),
      JOB_QUEUE_STALLED_MS: String(TEST_TIMING.stalledIntervalMs),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const lines: Record<string, unknown>[] = [];
  const waiters: { key: string; resolve(line: Record<string, unknown>): void }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    if (!text.startsWith('{')) return;
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const w of waiters.splice(0)) {
      if (w.key in line || 'error' in line) w.resolve(line);
      else waiters.push(w);
    }
  });
  const next = async (key: string) => {
    const seen = lines.find((l) => key in l || 'error' in l);
    const line =
      seen ??
      (await withTimeout(
        Promise.race([
          new Promise<Record<string, unknown>>((resolve) => waiters.push({ key, resolve })),
          exited.then((code) => ({ error: `crash worker exited (${String(code)})` })),
        ]),
        15_000,
        `the crash worker to print "${key}"`,
      ));
    if ('error' in line) throw new Error(`crash worker: ${String(line.error)}`);
    return line;
  };
  return { proc, exited, next };
}

async function deleteKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
