import { Injectable, Logger, Optional } from '@nestjs/common';
import { JobQueue } from '../queue/job-queue';
import type { FanoutJob } from '../queue/job-catalogue';
import { RedisEpoch } from '../redis/redis-epoch';

/** How long an enqueued fan-out is kept for a replay, and how many at most (~200 B each). */
const REPLAY_WINDOW_MS = 30_000;
const REPLAY_MAX = 50_000;

/**
 * Enqueues group fan-outs, the step a group send's ack waits for. A job lives only in Redis until a worker
 * runs it (normally within milliseconds), so when Redis loses its data an acked message could miss its inbox
 * copies for good. This node keeps the fan-outs it queued in the last 30 s and queues them again when
 * RedisEpoch reports a loss; the job is idempotent (same inbox rows, same ids, which clients dedupe).
 */
@Injectable()
export class FanoutEnqueuer {
  private readonly logger = new Logger(FanoutEnqueuer.name);
  /** By message id, in the order queued. */
  private readonly recent = new Map<string, { job: FanoutJob; at: number }>();

  constructor(
    private readonly queue: JobQueue,
    @Optional() epoch?: RedisEpoch,
  ) {
    epoch?.onLoss(() => void this.replay());
  }

  async enqueue(job: FanoutJob): Promise<void> {
    await this.queue.add('fanout', job, { jobId: `fanout:${job.messageId}` });
    this.forgetOld(Date.now());
    this.recent.delete(job.messageId);
    this.recent.set(job.messageId, { job, at: Date.now() });
  }

  private forgetOld(now: number): void {
    for (const [id, e] of this.recent) {
      if (now - e.at <= REPLAY_WINDOW_MS && this.recent.size < REPLAY_MAX) break;
      this.recent.delete(id);
    }
  }

  private async replay(): Promise<void> {
    this.forgetOld(Date.now());
    const jobs = [...this.recent.values()].map((e) => e.job);
    let failed = 0;
    for (const job of jobs) {
      await this.queue.add('fanout', job, { jobId: `fanout:${job.messageId}` }).catch(() => failed++);
    }
    this.logger.warn(`queued ${jobs.length - failed} recent group fan-outs again after Redis lost its data`);
    if (failed) this.logger.error(`${failed} fan-outs could not be queued again`);
  }
}
