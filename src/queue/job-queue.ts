import type { JobPayload, QueueName } from './job-catalogue';

/** What a processor learns about the run besides the payload. */
export interface JobMeta {
  /** 1 on the first run; a retry after a thrown error is attempt 2, and so on. */
  attempt: number;
  jobId: string;
}

export type JobProcessor<Q extends QueueName> = (payload: JobPayload<Q>, meta: JobMeta) => Promise<void>;

export interface AddJobOptions {
  /**
   * The job's identity, chosen by the caller from what the job is about (e.g. the message id), so that
   * enqueueing the same work twice is one job. Any non-empty string: adapters encode it as they need.
   */
  jobId: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface FailedJob<Q extends QueueName> {
  jobId: string;
  payload: JobPayload<Q>;
  failedReason: string;
  attempts: number;
}

/**
 * The job-queue port. Two adapters: BullMQ on Redis (distributed) and an in-process twin (embedded),
 * both run by one contract suite (test/contract/job-queue.contract.ts). Semantics both keep:
 *
 * - `add` with a jobId that already exists (waiting, delayed, active, failed, or completed and still
 *   kept, see `keepCompleted`) is a no-op. That is what makes a resend's re-enqueue idempotent. A failed
 *   job is rerun only through `retryFailed`.
 * - A processor that throws is retried with exponential backoff (`backoffMs * 2^(n-1)` after the n-th
 *   failure) until its queue's `attempts` are used up; then the job is failed, kept, counted and
 *   retryable. Processors must be idempotent: a job may run more than once (retries, a crashed worker).
 * - Processors are registered before `start()` (in `onModuleInit`); `start()` begins consuming only the
 *   queues that have one, so a role without processors only produces.
 */
export abstract class JobQueue {
  abstract add<Q extends QueueName>(queue: Q, payload: JobPayload<Q>, opts: AddJobOptions): Promise<void>;

  abstract registerProcessor<Q extends QueueName>(
    queue: Q,
    fn: JobProcessor<Q>,
    opts?: { concurrency?: number },
  ): void;

  abstract counts(queue: QueueName): Promise<JobCounts>;

  /** The most recently failed jobs first. */
  abstract failed<Q extends QueueName>(queue: Q, limit: number): Promise<FailedJob<Q>[]>;

  /** Puts a failed job back to waiting with a fresh set of attempts; false if it is not (or no longer) failed. */
  abstract retryFailed(queue: QueueName, jobId: string): Promise<boolean>;

  /** Starts consuming the queues that have a processor. Fails if a required queue has none. */
  abstract start(): Promise<void>;

  /**
   * Stops taking new jobs and waits for the active ones to finish; `add` and the read methods keep
   * working. The first half of a graceful shutdown, run while every other service is still up.
   */
  abstract stopProcessing(): Promise<void>;

  /** `stopProcessing()`, then releases the producers; `add` fails afterwards. */
  abstract close(): Promise<void>;
}
