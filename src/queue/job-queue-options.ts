import type { QueueName } from './job-catalogue';
import type { AddJobOptions } from './job-queue';

export interface RetryPolicy {
  /** Runs in total, the first included. */
  attempts: number;
  /** Wait after the first failure; it doubles after each further one. */
  backoffMs: number;
}

/** How long finished jobs are kept: the older ones go once either bound is passed. */
export interface Retention {
  ageSeconds: number;
  count: number;
}

/** Options both adapters understand. */
export interface JobQueueOptions {
  retry?: Partial<Record<QueueName, Partial<RetryPolicy>>>;
  /**
   * Completed jobs kept per queue. A kept job's id still dedupes `add`, so this is the dedupe window for
   * finished work: min(ageSeconds, the time the queue takes to complete `count` newer jobs). Past it, a
   * re-enqueue runs the (idempotent) job again, which costs work but breaks nothing.
   */
  keepCompleted?: Retention;
  /** Failed jobs kept per queue, for admins to see and retry. */
  keepFailed?: Retention;
  /** Queues that must have a processor when `start()` runs (set for roles that consume). */
  requiredProcessors?: readonly QueueName[];
}

/**
 * Five runs over about 15 s (waits of 1, 2, 4 and 8 s): enough to ride out a store or Redis failover
 * without failing the job, short enough that a broken job reaches the failed list quickly.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 1_000 };
/** An hour, capped at 20,000 jobs (a few MB of Redis per queue). */
export const DEFAULT_KEEP_COMPLETED: Retention = { ageSeconds: 3_600, count: 20_000 };
/** A week, capped at 50,000 jobs: large, but bounded if a processor fails everything. */
export const DEFAULT_KEEP_FAILED: Retention = { ageSeconds: 7 * 86_400, count: 50_000 };

export interface ResolvedJobQueueOptions {
  retry(queue: QueueName): RetryPolicy;
  keepCompleted: Retention;
  keepFailed: Retention;
  requiredProcessors: readonly QueueName[];
}

export function resolveJobQueueOptions(opts: JobQueueOptions = {}): ResolvedJobQueueOptions {
  const policies = new Map<QueueName, RetryPolicy>();
  for (const [queue, p] of Object.entries(opts.retry ?? {}) as [QueueName, Partial<RetryPolicy>][]) {
    const policy = { ...DEFAULT_RETRY, ...p };
    if (!Number.isInteger(policy.attempts) || policy.attempts < 1)
      throw new Error(`job queue ${queue}: retry.attempts must be an integer >= 1`);
    if (!(policy.backoffMs >= 0)) throw new Error(`job queue ${queue}: retry.backoffMs must be >= 0`);
    policies.set(queue, policy);
  }
  return {
    retry: (queue) => policies.get(queue) ?? DEFAULT_RETRY,
    keepCompleted: opts.keepCompleted ?? DEFAULT_KEEP_COMPLETED,
    keepFailed: opts.keepFailed ?? DEFAULT_KEEP_FAILED,
    requiredProcessors: opts.requiredProcessors ?? [],
  };
}

/** The wait after the n-th failed run (n >= 1); the same formula as BullMQ's 'exponential' backoff. */
export function backoffDelay(policy: RetryPolicy, failures: number): number {
  return Math.round(policy.backoffMs * 2 ** (failures - 1));
}

export function assertValidJob(queue: QueueName, opts: AddJobOptions): void {
  if (typeof opts.jobId !== 'string' || opts.jobId.length === 0)
    throw new Error(`job queue ${queue}: jobId must be a non-empty string`);
  if (opts.delayMs !== undefined && !(opts.delayMs >= 0 && Number.isFinite(opts.delayMs)))
    throw new Error(`job queue ${queue}: delayMs must be a finite number >= 0`);
}

export function assertValidConcurrency(queue: QueueName, concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`job queue ${queue}: concurrency must be an integer >= 1`);
}

/** STYLE point 7: a consuming role must not start with a queue nobody processes. */
export function assertRequiredProcessors(
  required: readonly QueueName[],
  registered: ReadonlySet<QueueName>,
): void {
  const missing = required.filter((q) => !registered.has(q));
  if (missing.length)
    throw new Error(
      `job queue: no processor registered for ${missing.map((q) => `"${q}"`).join(', ')}; this role ` +
        'consumes them, so the module that owns each one must call JobQueue.registerProcessor in onModuleInit',
    );
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
