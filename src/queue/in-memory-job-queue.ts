import { Logger } from '@nestjs/common';
import type { JobPayload, QueueName } from './job-catalogue';
import { AddJobOptions, FailedJob, JobCounts, JobMeta, JobProcessor, JobQueue } from './job-queue';
import {
  assertRequiredProcessors,
  assertValidConcurrency,
  assertValidJob,
  backoffDelay,
  errorMessage,
  JobQueueOptions,
  ResolvedJobQueueOptions,
  resolveJobQueueOptions,
  Retention,
} from './job-queue-options';

type State = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

interface Entry {
  jobId: string;
  /** The payload as JSON, so every run gets a fresh copy, exactly as BullMQ hands one out. */
  json: string;
  state: State;
  failures: number;
  failedReason: string;
  finishedAt: number;
  timer?: NodeJS.Timeout;
}

interface Lane {
  queue: QueueName;
  entries: Map<string, Entry>;
  waiting: Entry[];
  /** Finished entries, oldest first (Map keeps insertion order), for retention and `failed()`. */
  completed: Map<string, Entry>;
  failed: Map<string, Entry>;
  running: Set<Promise<void>>;
  processor?: { run(payload: unknown, meta: JobMeta): Promise<void>; concurrency: number };
}

/**
 * The embedded twin of the BullMQ adapter, with the same semantics (jobId dedupe, retries with exponential
 * backoff, bounded attempts, failed jobs kept and retryable, concurrency, graceful stop) and no Redis.
 *
 * Limitation: jobs live in this process's memory. If the process dies, waiting, delayed (retrying) and
 * active jobs are gone, and `close()` drops the waiting and delayed ones. That is acceptable only for the
 * embedded single-process mode, and only because callers keep every job recoverable without the queue: a
 * group message is stored before its fanout job is enqueued and devices catch up through sync, and a client
 * that got no ack resends, which re-enqueues the job. Do not use this adapter where a lost job is lost work.
 */
export class InMemoryJobQueue extends JobQueue {
  private readonly logger = new Logger(InMemoryJobQueue.name);
  private readonly opts: ResolvedJobQueueOptions;
  private readonly lanes = new Map<QueueName, Lane>();
  private phase: 'new' | 'started' | 'stopped' = 'new';
  private closed = false;
  private stopping?: Promise<void>;

  constructor(options: JobQueueOptions = {}) {
    super();
    this.opts = resolveJobQueueOptions(options);
  }

  async add<Q extends QueueName>(queue: Q, payload: JobPayload<Q>, opts: AddJobOptions): Promise<void> {
    assertValidJob(queue, opts);
    const lane = this.lane(queue);
    if (lane.entries.has(opts.jobId)) return;
    const entry: Entry = {
      jobId: opts.jobId,
      json: JSON.stringify(payload),
      state: 'waiting',
      failures: 0,
      failedReason: '',
      finishedAt: 0,
    };
    lane.entries.set(entry.jobId, entry);
    if (opts.delayMs) this.delay(lane, entry, opts.delayMs);
    else this.enqueue(lane, entry);
  }

  registerProcessor<Q extends QueueName>(
    queue: Q,
    fn: JobProcessor<Q>,
    opts: { concurrency?: number } = {},
  ): void {
    if (this.phase !== 'new') throw new Error(`job queue ${queue}: register processors before start()`);
    const lane = this.lane(queue);
    if (lane.processor) throw new Error(`job queue ${queue}: a processor is already registered`);
    const concurrency = opts.concurrency ?? 1;
    assertValidConcurrency(queue, concurrency);
    lane.processor = { concurrency, run: (payload, meta) => fn(payload as JobPayload<Q>, meta) };
  }

  async counts(queue: QueueName): Promise<JobCounts> {
    const counts: JobCounts = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
    for (const e of this.lane(queue).entries.values()) counts[e.state]++;
    return counts;
  }

  async failed<Q extends QueueName>(queue: Q, limit: number): Promise<FailedJob<Q>[]> {
    return [...this.lane(queue).failed.values()]
      .reverse()
      .slice(0, Math.max(0, limit))
      .map((e) => ({
        jobId: e.jobId,
        payload: JSON.parse(e.json) as JobPayload<Q>,
        failedReason: e.failedReason,
        attempts: e.failures,
      }));
  }

  async retryFailed(queue: QueueName, jobId: string): Promise<boolean> {
    const lane = this.lane(queue);
    const entry = lane.failed.get(jobId);
    if (!entry) return false;
    lane.failed.delete(jobId);
    entry.failures = 0;
    entry.failedReason = '';
    this.enqueue(lane, entry);
    return true;
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('job queue: start() after close()');
    if (this.phase !== 'new') return;
    const registered = [...this.lanes.values()].filter((l) => l.processor).map((l) => l.queue);
    assertRequiredProcessors(this.opts.requiredProcessors, new Set(registered));
    this.phase = 'started';
    for (const lane of this.lanes.values()) this.pump(lane);
  }

  stopProcessing(): Promise<void> {
    this.stopping ??= (async () => {
      this.phase = 'stopped';
      while (this.running().length) await Promise.all(this.running());
    })();
    return this.stopping;
  }

  async close(): Promise<void> {
    await this.stopProcessing();
    this.closed = true;
    for (const lane of this.lanes.values())
      for (const e of lane.entries.values()) if (e.timer) clearTimeout(e.timer);
  }

  private lane(queue: QueueName): Lane {
    if (this.closed) throw new Error(`job queue ${queue}: closed`);
    let lane = this.lanes.get(queue);
    if (!lane) {
      lane = {
        queue,
        entries: new Map(),
        waiting: [],
        completed: new Map(),
        failed: new Map(),
        running: new Set(),
      };
      this.lanes.set(queue, lane);
    }
    return lane;
  }

  private running(): Promise<void>[] {
    return [...this.lanes.values()].flatMap((l) => [...l.running]);
  }

  private enqueue(lane: Lane, entry: Entry): void {
    entry.state = 'waiting';
    lane.waiting.push(entry);
    this.pump(lane);
  }

  private delay(lane: Lane, entry: Entry, ms: number): void {
    entry.state = 'delayed';
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.enqueue(lane, entry);
    }, ms);
    // A pending retry must not keep an otherwise finished process alive.
    entry.timer.unref();
  }

  private pump(lane: Lane): void {
    const processor = lane.processor;
    if (this.phase !== 'started' || !processor) return;
    while (lane.running.size < processor.concurrency && lane.waiting.length) {
      const entry = lane.waiting.shift()!;
      entry.state = 'active';
      const run = this.run(lane, entry, processor);
      lane.running.add(run);
      void run.finally(() => {
        lane.running.delete(run);
        this.pump(lane);
      });
    }
  }

  private async run(lane: Lane, entry: Entry, processor: NonNullable<Lane['processor']>): Promise<void> {
    // Never run a processor inside the caller's add(): the distributed adapter cannot either.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      await processor.run(JSON.parse(entry.json), { attempt: entry.failures + 1, jobId: entry.jobId });
      this.finish(lane, entry, 'completed', lane.completed, this.opts.keepCompleted);
    } catch (e) {
      entry.failures++;
      const retry = this.opts.retry(lane.queue);
      const msg = `job ${lane.queue}/${entry.jobId} attempt ${entry.failures} failed: ${errorMessage(e)}`;
      if (entry.failures < retry.attempts) {
        this.logger.warn(`${msg}; retrying`);
        this.delay(lane, entry, backoffDelay(retry, entry.failures));
      } else {
        this.logger.error(`${msg}; no attempts left, kept as failed`);
        entry.failedReason = errorMessage(e);
        this.finish(lane, entry, 'failed', lane.failed, this.opts.keepFailed);
      }
    }
  }

  /** Moves an entry to a finished set and evicts what the retention no longer keeps, as BullMQ does. */
  private finish(
    lane: Lane,
    entry: Entry,
    state: 'completed' | 'failed',
    set: Map<string, Entry>,
    keep: Retention,
  ): void {
    entry.state = state;
    entry.finishedAt = Date.now();
    set.set(entry.jobId, entry);
    const oldest = entry.finishedAt - keep.ageSeconds * 1000;
    for (const [id, e] of set) {
      if (set.size <= keep.count && e.finishedAt >= oldest) break;
      set.delete(id);
      lane.entries.delete(id);
    }
  }
}
