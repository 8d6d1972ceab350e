import { Logger } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { dependencies } from '../common/dependency-state';
import { isRedisOutage, RedisService, watchRedisConnection } from '../redis/redis.service';
import { QUEUE_NAMES, type JobPayload, type QueueName } from './job-catalogue';
import { AddJobOptions, FailedJob, JobCounts, JobProcessor, JobQueue } from './job-queue';
import {
  assertRequiredProcessors,
  assertValidConcurrency,
  assertValidJob,
  errorMessage,
  JobQueueOptions,
  ResolvedJobQueueOptions,
  resolveJobQueueOptions,
} from './job-queue-options';

export interface BullmqJobQueueOptions extends JobQueueOptions {
  /** Redis key prefix of every queue key. */
  prefix?: string;
  /** How long a worker's claim on an active job lasts without renewal (renewed every half of it). */
  lockDurationMs?: number;
  /** How often workers look for active jobs whose lock expired (their worker died). */
  stalledIntervalMs?: number;
  /** Times a job may be recovered from a dead worker before it is failed instead. */
  maxStalledCount?: number;
}

/**
 * Crash recovery: a killed worker stops renewing its job's lock; the lock expires after `lockDurationMs`,
 * and the next stalled check of any live worker on the queue (every `stalledIntervalMs`, shared across
 * workers) moves the job back to waiting, where a worker picks it up again. So a killed worker's job runs
 * again within about lockDurationMs + stalledIntervalMs (15 s here; BullMQ's own defaults give 60 s).
 * The lock is renewed every 5 s, so only an event loop blocked for 5 s or more could lose it while the job
 * runs; the job would then run twice, which idempotent processors tolerate. A job that kills its worker
 * twice (maxStalledCount 1) is failed instead of taking down a third one.
 */
export const BULLMQ_DEFAULTS = {
  prefix: 'chat:bull',
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
  maxStalledCount: 1,
} as const;

type AnyPayload = JobPayload<QueueName>;
type AnyJob = Job<AnyPayload, void, string>;

interface Registration {
  run(payload: AnyPayload, job: AnyJob): Promise<void>;
  concurrency: number;
}

// BullMQ refuses custom ids that parse as integers or contain ':', and ours are often both (snowflake
// message ids, `dm:a:b` channels). The prefix keeps them non-numeric; encodeURIComponent removes ':'.
const toBullId = (jobId: string) => `j-${encodeURIComponent(jobId)}`;
const fromBullId = (id: string | undefined) =>
  id?.startsWith('j-') ? decodeURIComponent(id.slice(2)) : (id ?? '');

/**
 * BullMQ adapter. Producers (one `Queue` per catalogue queue, created on first use) share RedisService's
 * client, so an `add` fails fast when Redis is down instead of hanging a request. Workers exist only for
 * queues with a registered processor and only after `start()`; they run on one connection of their own with
 * `maxRetriesPerRequest: null` (BullMQ requires it for the blocking fetch, which it duplicates per worker
 * from this one, and a consumer should wait for Redis to come back rather than error) and without
 * auto-pipelining, which BullMQ users report breaks workers.
 */
export class BullmqJobQueue extends JobQueue {
  private readonly logger = new Logger(BullmqJobQueue.name);
  private readonly opts: ResolvedJobQueueOptions;
  private readonly bull: Required<Omit<BullmqJobQueueOptions, keyof JobQueueOptions>>;
  private readonly producers = new Map<QueueName, Queue<AnyPayload, void, string>>();
  private readonly processors = new Map<QueueName, Registration>();
  private readonly workers: Worker<AnyPayload, void, string>[] = [];
  private workerConnection?: Redis;
  private phase: 'new' | 'started' | 'stopped' = 'new';
  private closed = false;
  private stopping?: Promise<void>;
  private closing?: Promise<void>;

  constructor(
    private readonly redis: RedisService,
    options: BullmqJobQueueOptions = {},
  ) {
    super();
    this.opts = resolveJobQueueOptions(options);
    this.bull = {
      prefix: options.prefix ?? BULLMQ_DEFAULTS.prefix,
      lockDurationMs: options.lockDurationMs ?? BULLMQ_DEFAULTS.lockDurationMs,
      stalledIntervalMs: options.stalledIntervalMs ?? BULLMQ_DEFAULTS.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount ?? BULLMQ_DEFAULTS.maxStalledCount,
    };
  }

  async add<Q extends QueueName>(queue: Q, payload: JobPayload<Q>, opts: AddJobOptions): Promise<void> {
    assertValidJob(queue, opts);
    const retry = this.opts.retry(queue);
    const { keepCompleted, keepFailed } = this.opts;
    await this.producer(queue).add(queue, payload, {
      jobId: toBullId(opts.jobId),
      delay: opts.delayMs,
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
      removeOnComplete: { age: keepCompleted.ageSeconds, count: keepCompleted.count },
      removeOnFail: { age: keepFailed.ageSeconds, count: keepFailed.count },
      stackTraceLimit: 10,
    });
  }

  registerProcessor<Q extends QueueName>(
    queue: Q,
    fn: JobProcessor<Q>,
    opts: { concurrency?: number } = {},
  ): void {
    if (this.phase !== 'new') throw new Error(`job queue ${queue}: register processors before start()`);
    if (this.processors.has(queue)) throw new Error(`job queue ${queue}: a processor is already registered`);
    const concurrency = opts.concurrency ?? 1;
    assertValidConcurrency(queue, concurrency);
    this.processors.set(queue, {
      concurrency,
      run: (payload, job) =>
        fn(payload as JobPayload<Q>, { attempt: job.attemptsMade + 1, jobId: fromBullId(job.id) }),
    });
  }

  async counts(queue: QueueName): Promise<JobCounts> {
    const c = await this.producer(queue).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    return {
      waiting: c.waiting ?? 0,
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      completed: c.completed ?? 0,
    };
  }

  async failed<Q extends QueueName>(queue: Q, limit: number): Promise<FailedJob<Q>[]> {
    if (limit < 1) return [];
    const jobs = await this.producer(queue).getFailed(0, limit - 1);
    // A job removed between the range read and the fetch comes back empty.
    return jobs
      .filter((j) => Boolean(j?.id))
      .map((j) => ({
        jobId: fromBullId(j.id),
        payload: j.data as JobPayload<Q>,
        failedReason: j.failedReason,
        attempts: j.attemptsMade,
      }));
  }

  async retryFailed(queue: QueueName, jobId: string): Promise<boolean> {
    const job = await this.producer(queue).getJob(toBullId(jobId));
    if (!job || (await job.getState()) !== 'failed') return false;
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    } catch (e) {
      // Another caller retried it first: it is no longer in the failed set.
      if ((await job.getState()) !== 'failed') return false;
      throw e;
    }
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('job queue: start() after close()');
    if (this.phase !== 'new') return;
    assertRequiredProcessors(this.opts.requiredProcessors, new Set(this.processors.keys()));
    this.phase = 'started';
    if (!this.processors.size) return;
    const connection = this.redis.client.duplicate({
      maxRetriesPerRequest: null,
      enableAutoPipelining: false,
    });
    watchRedisConnection(connection, this.logger, 'redis (job workers)');
    this.workerConnection = connection;
    for (const [queue, reg] of this.processors) this.workers.push(this.createWorker(queue, reg, connection));
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  stopProcessing(): Promise<void> {
    this.stopping ??= this.stopWorkers();
    return this.stopping;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.stopProcessing();
      this.closed = true;
      // The producers share RedisService's client, which they leave open.
      await Promise.all([...this.producers.values()].map((q) => q.close()));
    })();
    return this.closing;
  }

  private async stopWorkers(): Promise<void> {
    this.phase = 'stopped';
    // Worker.close() waits for the worker's active jobs to finish.
    await Promise.all(this.workers.map((w) => w.close()));
    const connection = this.workerConnection;
    this.workerConnection = undefined;
    if (connection) await connection.quit().catch(() => connection.disconnect());
  }

  /** Every queue of the catalogue, for the admins' queue dashboard (Bull Board reads BullMQ's own objects). */
  dashboardQueues(): Queue[] {
    return QUEUE_NAMES.map((q) => this.producer(q) as unknown as Queue);
  }

  private producer(queue: QueueName): Queue<AnyPayload, void, string> {
    if (this.closed) throw new Error(`job queue ${queue}: closed`);
    let q = this.producers.get(queue);
    if (!q) {
      q = new Queue<AnyPayload, void, string>(queue, {
        connection: this.redis.client,
        prefix: this.bull.prefix,
      });
      q.on('error', (e) => this.onRedisError(e, `queue ${queue}: ${e.message}`));
      this.producers.set(queue, q);
    }
    return q;
  }

  /** A Redis outage is logged once by the tracker, not once per retry of every queue and worker. */
  private onRedisError(e: Error, message: string): void {
    if (isRedisOutage(e)) dependencies.down('redis', e);
    else this.logger.warn(message);
  }

  private createWorker(
    queue: QueueName,
    reg: Registration,
    connection: Redis,
  ): Worker<AnyPayload, void, string> {
    const worker = new Worker<AnyPayload, void, string>(
      queue,
      async (job) => {
        try {
          await reg.run(job.data, job);
        } catch (e) {
          throw e instanceof Error ? e : new Error(String(e));
        }
      },
      {
        connection,
        prefix: this.bull.prefix,
        concurrency: reg.concurrency,
        lockDuration: this.bull.lockDurationMs,
        stalledInterval: this.bull.stalledIntervalMs,
        maxStalledCount: this.bull.maxStalledCount,
      },
    );
    // A Redis outage is logged once by the tracker, not once per fetch retry.
    worker.on('error', (e) => this.onRedisError(e, `worker ${queue}: ${errorMessage(e)}`));
    worker.on('stalled', (id) =>
      this.logger.warn(`job ${queue}/${fromBullId(id)} lost its worker; it will run again`),
    );
    worker.on('failed', (job, e) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      const msg = `job ${queue}/${fromBullId(job.id)} attempt ${job.attemptsMade} failed: ${e.message}`;
      if (final) this.logger.error(`${msg}; no attempts left, kept as failed`);
      else this.logger.warn(`${msg}; retrying`);
    });
    return worker;
  }
}
